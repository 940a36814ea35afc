import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites a jar's class files compiled for Java 5 or older as Java 8 class files, with the stack
 * map frames Java 6 introduced computed by ASM. Run by bulwark-cli's build on the distribution's
 * copy of picocli ({@code target/lib}), as a single-file program:
 * {@code java -cp asm.jar UpgradeClassFiles.java target/lib/picocli-4.7.7.jar}.
 *
 * <p>Why: JDK 25's ahead-of-time cache refuses classes older than Java 6 ("old class has been
 * linked"), because they need the old type-inferring verifier at run time. picocli is compiled for
 * Java 5, so every start loaded, parsed and verified its classes from the jar while the rest of
 * the CLI came from the cache (docs/decisions.md, "picocli's class files, upgraded"). Only the
 * version and the frames change; every instruction stays as it was. A jar with nothing to upgrade
 * is left untouched, so the step can run on every build.
 */
public final class UpgradeClassFiles {

    private UpgradeClassFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: UpgradeClassFiles JAR");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        if (!Files.isRegularFile(jar)) {
            System.err.println("UpgradeClassFiles: no such jar: " + jar);
            System.exit(2);
        }
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int upgraded = 0;
        // Frames need the common superclass of two types; the jar's own classes are found here.
        try (URLClassLoader types = new URLClassLoader(new URL[]{jar.toUri().toURL()},
                UpgradeClassFiles.class.getClassLoader());
             InputStream raw = Files.newInputStream(jar);
             ZipInputStream in = new ZipInputStream(raw);
             OutputStream rawOut = Files.newOutputStream(tmp);
             ZipOutputStream out = new ZipOutputStream(rawOut)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")
                        && majorVersion(bytes) < Opcodes.V1_6) {
                    bytes = upgrade(bytes, types);
                    upgraded++;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        if (upgraded == 0) {
            Files.delete(tmp);
            System.out.println("UpgradeClassFiles: " + jar.getFileName() + " has no class older than Java 6");
            return;
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("UpgradeClassFiles: " + upgraded + " classes of " + jar.getFileName()
                + " rewritten as Java 8 class files");
    }

    private static int majorVersion(byte[] classFile) {
        return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    private static byte[] upgrade(byte[] classFile, ClassLoader types) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return types;
            }
        };
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, 0);
        return writer.toByteArray();
    }
}
