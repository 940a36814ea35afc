package io.bulwark.core.units;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DataSizeTest {

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({
            "512,       512",
            "0,         0",
            "100b,      100",
            "64KiB,     65536",
            "1MiB,      1048576",
            "2GiB,      2147483648",
            "1TiB,      1099511627776",
            "10KB,      10000",
            "5MB,       5000000",
            "1GB,       1000000000",
            "2TB,       2000000000000",
            "10 kb,     10000",
            "'  1mib ', 1048576",
    })
    void parsesEveryAcceptedForm(String text, long bytes) {
        assertThat(DataSize.parse(text)).isEqualTo(DataSize.ofBytes(bytes));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "lots", "-1", "1.5MiB", "MiB", "10 KBytes", "1PiB", "0x10", "1 000"})
    void rejectsOtherFormsNamingTheTextAndTheAcceptedForms(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> DataSize.parse(text))
                .withMessage("expected a size such as 512, 64KiB, 1MiB, 2GiB, 10KB or 5MB but was '" + text + "'");
    }

    @Test
    void rejectsNull() {
        assertThatIllegalArgumentException().isThrownBy(() -> DataSize.parse(null))
                .withMessage("expected " + DataSize.ACCEPTED + " but was empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"8388608TiB", "99999999999999999999"})
    void rejectsASizeTooLargeForALong(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> DataSize.parse(text))
                .withMessage("size '" + text + "' is too large");
    }

    @Test
    void aNegativeSizeCannotBeMade() {
        assertThatIllegalArgumentException().isThrownBy(() -> DataSize.ofBytes(-1))
                .withMessage("a size must be >= 0 but was -1");
    }

    @Test
    void factoriesMultiplyByPowersOf1024() {
        assertThat(DataSize.ofKibibytes(3).bytes()).isEqualTo(3 * 1024L);
        assertThat(DataSize.ofMebibytes(3).bytes()).isEqualTo(3 * 1024L * 1024L);
        assertThat(DataSize.ofGibibytes(3).bytes()).isEqualTo(3 * 1024L * 1024L * 1024L);
        assertThatIllegalArgumentException().isThrownBy(() -> DataSize.ofMebibytes(-1));
    }

    @ParameterizedTest(name = "{0} bytes → {1}")
    @CsvSource({
            "0,             0",
            "1000,          1000",
            "1024,          1KiB",
            "1536,          1536",
            "65536,         64KiB",
            "1048576,       1MiB",
            "3221225472,    3GiB",
            "1099511627776, 1TiB",
    })
    void printsInTheLargestExactBinaryUnit(long bytes, String expected) {
        assertThat(DataSize.ofBytes(bytes)).hasToString(expected);
    }

    @Test
    void comparesByBytes() {
        assertThat(DataSize.parse("1MiB")).isGreaterThan(DataSize.parse("1MB")).isLessThan(DataSize.parse("2MB"));
    }
}
