#include "database_p.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QSet>
#include <QThread>
#include <cstdio>

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::Database", text);
}

} // namespace

void testPause(const char *point)
{
    const QByteArray want = qgetenv("TT_TEST_PAUSE_AFTER");
    if (want != point)
        return;
    bool ok = false;
    int seconds = qEnvironmentVariableIntValue("TT_TEST_PAUSE_SECONDS", &ok);
    if (!ok)
        seconds = 30;
    std::fprintf(stderr, "TT_TEST_PAUSED %s\n", point);
    std::fflush(stderr);
    QThread::sleep(seconds);
}

std::string pgTextArray(const QStringList &values)
{
    std::string out = "{";
    bool first = true;
    for (const QString &v : values) {
        if (!first)
            out += ',';
        first = false;
        out += '"';
        for (char c : v.toStdString()) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

QString describeDbError(const std::exception &e)
{
    QString msg = QString::fromUtf8(e.what()).trimmed();
    return redactSecrets(msg);
}

const std::vector<RequiredTable> &requiredSchema()
{
    static const std::vector<RequiredTable> tables = {
        {"Organization", {"id", "name", "domain", "active", "lmsProvider", "createdAt", "updatedAt"}},
        {"Teacher", {"id", "email", "displayName", "role", "isSpecialist", "active", "createdAt", "organizationId"}},
        {"Classroom", {"id", "name", "code", "archived", "createdAt", "organizationId", "homeroomTeacherId"}},
        {"TeacherClass", {"id", "teacherId", "classroomId", "assignedAt"}},
        {"Student", {"id", "studentId", "firstName", "lastName", "guardians", "notes", "active", "createdAt",
                     "updatedAt", "classroomId", "organizationId"}},
        {"Incident", {"id", "uuid", "timestamp", "type", "studentId", "studentName", "classroomId", "classCode",
                      "teacherEmail", "level", "category", "location", "actionTaken", "note", "device", "createdAt",
                      "organizationId"}},
        {"AuditLog", {"id", "action", "performedBy", "meta", "createdAt"}},
        {"Setting", {"key", "value", "updatedAt"}},
    };
    return tables;
}

Database::Database(const ConnectionSpec &spec, int statementTimeoutMs)
    : m_d(std::make_unique<DatabasePrivate>())
{
    m_d->spec = spec.withSafeDefaults();
    try {
        m_d->conn = std::make_unique<pqxx::connection>(toStd(m_d->spec.conninfo()));
        pqxx::nontransaction tx(*m_d->conn);
        tx.exec("SET statement_timeout = " + std::to_string(statementTimeoutMs) + "; SET lock_timeout = 30000");
        ++m_d->statements;
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot connect to the database (%1): %2")
                                .arg(m_d->spec.redacted(), describeDbError(e)));
    }
}

Database::~Database() = default;

const ConnectionSpec &Database::spec() const
{
    return m_d->spec;
}

int Database::backendPid() const
{
    return m_d->conn->backendpid();
}

QString Database::databaseName()
{
    try {
        pqxx::nontransaction tx(*m_d->conn);
        ++m_d->statements;
        return fromField(tx.exec1("SELECT current_database()")[0]);
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot read the database name: %1").arg(describeDbError(e)));
    }
}

ServerIdentity Database::identify(const QString &domain)
{
    ServerIdentity id;
    try {
        pqxx::read_transaction tx(*m_d->conn);
        const char *host = m_d->conn->hostname();
        const char *port = m_d->conn->port();
        id.host = host ? QString::fromUtf8(host) : QString();
        id.port = port ? QString::fromUtf8(port) : QString();
        const pqxx::row r = tx.exec1(
            "SELECT current_database(), current_user, current_setting('server_version'), "
            "current_setting('server_version_num')::int, "
            "to_regclass('\"Organization\"') IS NOT NULL AND to_regclass('\"Teacher\"') IS NOT NULL "
            "AND to_regclass('\"Classroom\"') IS NOT NULL AND to_regclass('\"TeacherClass\"') IS NOT NULL "
            "AND to_regclass('\"Student\"') IS NOT NULL AND to_regclass('\"Incident\"') IS NOT NULL");
        ++m_d->statements;
        id.database = fromField(r[0]);
        id.user = fromField(r[1]);
        id.serverVersion = fromField(r[2]);
        id.serverVersionNum = r[3].as<int>();
        id.schemaPresent = r[4].as<bool>();
        try {
            pqxx::subtransaction sp(tx, "sysid");
            const pqxx::row s = sp.exec1("SELECT system_identifier::text FROM pg_control_system()");
            id.systemIdentifier = fromField(s[0]);
            sp.commit();
        } catch (const pqxx::sql_error &) {
            // not readable with these privileges: leave it empty
        }
        if (id.schemaPresent) {
            const pqxx::result org = tx.exec_params(R"(SELECT "id", "name" FROM "Organization" WHERE "domain" = $1)",
                                                    toStd(domain));
            ++m_d->statements;
            if (!org.empty()) {
                id.organizationId = fromField(org[0][0]);
                id.organizationName = fromField(org[0][1]);
            }
            const pqxx::result c = tx.exec_params(R"SQL(
SELECT 'Organization', count(*) FILTER (WHERE "id" = $1), count(*) FILTER (WHERE "id" IS DISTINCT FROM $1) FROM "Organization"
UNION ALL SELECT 'Teacher', count(*) FILTER (WHERE "organizationId" = $1), count(*) FILTER (WHERE "organizationId" IS DISTINCT FROM $1) FROM "Teacher"
UNION ALL SELECT 'Classroom', count(*) FILTER (WHERE "organizationId" = $1), count(*) FILTER (WHERE "organizationId" IS DISTINCT FROM $1) FROM "Classroom"
UNION ALL SELECT 'TeacherClass', count(*) FILTER (WHERE c."organizationId" = $1), count(*) FILTER (WHERE c."organizationId" IS DISTINCT FROM $1)
    FROM "TeacherClass" tc JOIN "Classroom" c ON c."id" = tc."classroomId"
UNION ALL SELECT 'Student', count(*) FILTER (WHERE "organizationId" = $1), count(*) FILTER (WHERE "organizationId" IS DISTINCT FROM $1) FROM "Student"
UNION ALL SELECT 'Incident', count(*) FILTER (WHERE "organizationId" = $1), count(*) FILTER (WHERE "organizationId" IS DISTINCT FROM $1) FROM "Incident"
)SQL",
                                                  toStd(id.organizationId));
            ++m_d->statements;
            for (const auto &row : c)
                id.counts.push_back({fromField(row[0]), row[1].as<qint64>(), row[2].as<qint64>()});
        }
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot identify the database: %1").arg(describeDbError(e)));
    }
    return id;
}

QString ServerIdentity::describe() const
{
    QStringList lines;
    lines << QCoreApplication::translate("tt::Database", "Database \"%1\" on %2 port %3 as user %4")
                 .arg(database, host.isEmpty() ? QStringLiteral("(default)") : host, port, user);
    lines << QCoreApplication::translate("tt::Database", "PostgreSQL %1; system identifier %2")
                 .arg(serverVersion,
                      systemIdentifier.isEmpty()
                          ? QCoreApplication::translate("tt::Database", "not readable with these privileges")
                          : systemIdentifier);
    if (!schemaPresent) {
        lines << QCoreApplication::translate("tt::Database", "TrackTally's tables are NOT present in this database.");
    } else {
        lines << (organizationId.isEmpty()
                      ? QCoreApplication::translate("tt::Database", "This school has no Organization row yet.")
                      : QCoreApplication::translate("tt::Database", "This school's Organization: \"%1\" (%2)")
                            .arg(organizationName, organizationId));
        for (const TableCount &c : counts)
            lines << QCoreApplication::translate("tt::Database", "  %1: %2 rows for this school, %3 for other schools")
                         .arg(c.table)
                         .arg(c.thisSchool)
                         .arg(c.otherSchools);
    }
    return lines.join(u'\n');
}

SchemaReport Database::checkSchema()
{
    SchemaReport report;
    try {
        pqxx::read_transaction tx(*m_d->conn);
        const pqxx::result cols = tx.exec(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = ANY(current_schemas(false))");
        const pqxx::result labels = tx.exec(
            "SELECT e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
            "WHERE t.typname = 'LmsProvider' AND pg_type_is_visible(t.oid)");
        m_d->statements += 2;
        QSet<QString> tables, columns, enumValues;
        for (const auto &row : cols) {
            tables.insert(fromField(row[0]));
            columns.insert(fromField(row[0]) + u'.' + fromField(row[1]));
        }
        for (const auto &row : labels)
            enumValues.insert(fromField(row[0]));
        for (const RequiredTable &t : requiredSchema()) {
            const QString table = QString::fromLatin1(t.name);
            if (!tables.contains(table)) {
                report.missingTables << table;
                continue;
            }
            for (const char *c : t.columns) {
                const QString col = table + u'.' + QString::fromLatin1(c);
                if (!columns.contains(col))
                    report.missingColumns << col;
            }
        }
        if (enumValues.isEmpty()) {
            report.missingEnumValues << QStringLiteral("LmsProvider");
        } else {
            for (const char *v : {"TRACKTALLY", "SIMON"})
                if (!enumValues.contains(QString::fromLatin1(v)))
                    report.missingEnumValues << QStringLiteral("LmsProvider.") + QString::fromLatin1(v);
        }
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot read the database's schema: %1").arg(describeDbError(e)));
    }
    return report;
}

QString SchemaReport::describe() const
{
    if (ok())
        return QCoreApplication::translate("tt::Database", "The database has TrackTally's schema.");
    QStringList lines;
    lines << QCoreApplication::translate("tt::Database", "The database does not have TrackTally's schema:");
    if (!missingTables.isEmpty())
        lines << QCoreApplication::translate("tt::Database", "  missing tables: %1").arg(missingTables.join(QStringLiteral(", ")));
    if (!missingColumns.isEmpty())
        lines << QCoreApplication::translate("tt::Database", "  missing columns: %1").arg(missingColumns.join(QStringLiteral(", ")));
    if (!missingEnumValues.isEmpty())
        lines << QCoreApplication::translate("tt::Database", "  missing enum: %1").arg(missingEnumValues.join(QStringLiteral(", ")));
    return lines.join(u'\n');
}

} // namespace tt
