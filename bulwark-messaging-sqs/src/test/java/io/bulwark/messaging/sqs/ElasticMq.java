package io.bulwark.messaging.sqs;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;

import java.util.concurrent.locks.ReentrantLock;

/**
 * ElasticMQ, an SQS server, in this JVM on a free loopback port, started on first use and shared
 * by every test class of the module (each uses queue names of its own). It speaks SQS's JSON
 * protocol to the real AWS SDK; strict SQS limits are on (80-character names, 10 attributes, ten
 * to a batch, the characters SQS allows in a body).
 *
 * <p>{@link #restart()} stops the HTTP server and starts it again on the same port over the same
 * queues (the queue manager actor lives on): clients see their connections closed and refused, as
 * when SQS is unreachable for a moment, and find their queues and messages when it is back.
 *
 * <p>Public for bulwark-bench's messaging harness, which takes it from this module's test-jar (one
 * launcher for the tests and the benchmark).
 */
public final class ElasticMq {

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static ActorSystem system;
    private static ActorRef queues;
    private static SQSRestServer server;
    private static int port;

    private ElasticMq() {
    }

    /** The endpoint, with credentials (ElasticMQ checks none; they keep the SDK off its default chain). */
    public static String url() {
        start();
        return "http://test:secret@127.0.0.1:" + port + "?region=elasticmq";
    }

    static int port() {
        start();
        return port;
    }

    /** A plain SDK client of the server, to look at queues and messages as another SQS client would; the caller closes it. */
    public static SqsClient client() {
        start();
        return SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.of("elasticmq"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "secret")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    private static void start() {
        LOCK.lock();
        try {
            if (server != null) {
                return;
            }
            // Daemon threads, so that the test JVM ends without a shutdown of its own.
            system = ActorSystem.create("elasticmq", ConfigFactory.parseString("pekko.daemonic = on")
                    .withFallback(ConfigFactory.load()));
            queues = system.actorOf(Props.create(QueueManagerActor.class,
                    () -> new QueueManagerActor(new NowProvider(), StrictSQSLimits$.MODULE$, Option.empty())));
            server = bind(0);
            port = server.waitUntilStarted().localAddress().getPort();
        } finally {
            LOCK.unlock();
        }
    }

    private static SQSRestServer bind(int on) {
        return SQSRestServerBuilder.withActorSystem(system).withQueueManagerActor(queues).withInterface("127.0.0.1")
                .withPort(on).start();
    }

    /** Stops the HTTP server, runs {@code meanwhile}, and starts the server again on the same port over the same queues. */
    static void down(Runnable meanwhile) {
        LOCK.lock();
        try {
            start();
            server.stopAndWait();
            try {
                meanwhile.run();
            } finally {
                server = bind(port);
                server.waitUntilStarted();
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** Stops the HTTP server, closing every connection, and starts it again on the same port over the same queues. */
    static void restart() {
        LOCK.lock();
        try {
            start();
            server.stopAndWait();
            server = bind(port);
            server.waitUntilStarted();
        } finally {
            LOCK.unlock();
        }
    }
}
