// libFuzzer target: connection strings (core/database/connectionspec.cpp): libpq URLs and keyword/value
// conninfo parsed by libpq, Prisma's own URL options (schema=, pgbouncer=, connection_limit=, ...), service
// names, and redactSecrets() on free text.
// Invariants: only DatabaseError escapes; what conninfo() hands libpq parses back to the same parameters
// (the connection made is the one the user wrote); redacted() never depends on a secret's
// value; a spec without secrets has none.
#include "fuzzcommon.h"

#include "common/errors.h"
#include "database/connectionspec.h"

#include <algorithm>
#include <cstdint>

using namespace tt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)redactSecrets(text);
    ConnectionSpec spec;
    try {
        spec = ConnectionSpec::parse(text);
    } catch (const DatabaseError &) {
        return 0;
    }
    const ConnectionSpec safe = spec.withSafeDefaults();
    (void)safe.isLocal();
    (void)spec.poolerReason();
    (void)spec.database();
    (void)spec.port();
    TT_FUZZ_CHECK(!spec.withoutSecrets().hasSecrets());

    // redacted() never depends on a secret's value: the same parameters, in the same order, with every secret
    // replaced by another value, redact to exactly the same text. (A substring test gives false alarms when a
    // password such as "ost=" also occurs in the text around it, e.g. in "host=".)
    ConnectionSpec skeleton;
    for (const auto &[key, value] : spec.parameters())
        skeleton.set(key, ConnectionSpec::isSecret(key) ? QStringLiteral("x") : value);
    TT_FUZZ_CHECK(spec.redacted() == skeleton.redacted());

    if (!spec.parameters().isEmpty()) {
        ConnectionSpec again;
        try {
            again = ConnectionSpec::parse(spec.conninfo());
        } catch (const DatabaseError &e) {
            std::fprintf(stderr, "conninfo() does not parse again: %s\n", qPrintable(e.message()));
            std::abort();
        }
        // The same keywords and values (libpq lists them in its own order).
        auto a = spec.parameters(), b = again.parameters();
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        if (a != b) {
            std::fprintf(stderr, "conninfo() changes the connection:\n  first:  %s\n  again:  %s\n",
                         qPrintable(spec.redacted()), qPrintable(again.redacted()));
            std::abort();
        }
    }
    return 0;
}
