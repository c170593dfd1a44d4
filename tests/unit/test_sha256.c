/* tests/unit/test_sha256.c -- acl/sha256 against FIPS 180-4's examples
 * and lengths around the padding boundary (55, 56, 63, 64 bytes: checked
 * with sha256sum). */
#include "acl/sha256.h"

#include "unit.h"

static bool is(const char *data, size_t len, const char *hex) {
    char out[65];
    sha256_hex(data, len, out);
    return strcmp(out, hex) == 0;
}

static void test_vectors(void) {
    CHECK(is("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    CHECK(is("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    CHECK(is(m, strlen(m), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    static char a[1000000];
    memset(a, 'a', sizeof a);
    CHECK(is(a, sizeof a, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

static void test_padding_boundaries(void) {
    static char a[64];
    memset(a, 'a', sizeof a);
    CHECK(is(a, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"));
    CHECK(is(a, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"));
    CHECK(is(a, 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"));
    CHECK(is(a, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"));
    CHECK(is("pw", 2, "30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4"));
}

int main(void) {
    test_vectors();
    test_padding_boundaries();
    return unit_finish("sha256");
}
