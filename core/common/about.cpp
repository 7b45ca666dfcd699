#include "about.h"

#include <QtGlobal>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <pqxx/version>
#include <zip.h>

namespace tt {

QString applicationVersion() { return QStringLiteral(TT_VERSION); }

std::vector<Component> components()
{
    const int pq = PQlibVersion();
    return {
        {QStringLiteral("Qt"), QString::fromLatin1(qVersion()), QStringLiteral("LGPL-3.0-only")},
        {QStringLiteral("libpqxx"), QStringLiteral(PQXX_VERSION), QStringLiteral("BSD-3-Clause")},
        {QStringLiteral("libpq (PostgreSQL)"), QStringLiteral("%1.%2").arg(pq / 10000).arg(pq % 100), QStringLiteral("PostgreSQL")},
        {QStringLiteral("libzip"), QString::fromLatin1(zip_libzip_version()), QStringLiteral("BSD-3-Clause")},
        {QStringLiteral("nlohmann_json"),
         QStringLiteral("%1.%2.%3").arg(NLOHMANN_JSON_VERSION_MAJOR).arg(NLOHMANN_JSON_VERSION_MINOR).arg(NLOHMANN_JSON_VERSION_PATCH),
         QStringLiteral("MIT")},
    };
}

} // namespace tt
