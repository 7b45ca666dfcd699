#include "database_p.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <algorithm>
#include <QSet>
#include <QThread>
#include <cstdio>

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::Database", text);
}

// pg_control_system() is for privileged roles; others get an empty identifier.
QString readSystemIdentifier(pqxx::dbtransaction &tx)
{
    try {
        pqxx::subtransaction sp(tx, "sysid");
        const pqxx::row s = sp.exec1("SELECT system_identifier::text FROM pg_control_system()");
        sp.commit();
        return fromField(s[0]);
    } catch (const pqxx::sql_error &) {
        return {}; // not readable with these privileges
    }
}

// The TLS state of this connection as the server sees it (pg_stat_ssl, readable for one's own backend).
void readTlsState(pqxx::dbtransaction &tx, ServerIdentity *id)
{
    try {
        pqxx::subtransaction sp(tx, "tls");
        const pqxx::result r = sp.exec("SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        sp.commit();
        if (!r.empty()) {
            id->tls = r[0][0].as<bool>();
            id->tlsProtocol = fromField(r[0][1]);
            id->tlsCipher = fromField(r[0][2]);
        }
    } catch (const pqxx::sql_error &) {
    }
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
    out.reserve(size_t(values.size()) * 40 + 2);
    bool first = true;
    for (const QString &v : values) {
        if (!first)
            out += ',';
        first = false;
        out += '"';
        const qsizetype start = qsizetype(out.size());
        bool plain = true; // ASCII without quotes or backslashes (uuids, ids): no conversion needed
        for (const QChar c : v) {
            const char16_t u = c.unicode();
            if (u >= 0x80 || u == '"' || u == '\\') {
                plain = false;
                break;
            }
            out += char(u);
        }
        if (!plain) {
            out.resize(size_t(start));
            for (char c : v.toStdString()) {
                if (c == '"' || c == '\\')
                    out += '\\';
                out += c;
            }
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
    constexpr ColumnNeed Opt = ColumnNeed::Optional;
    static const std::vector<RequiredTable> tables = {
        {"Organization", {{"id"}, {"name"}, {"domain"}, {"active", Opt}, {"lmsProvider", Opt}, {"createdAt", Opt},
                          {"updatedAt", Opt}}},
        {"Teacher", {{"id"}, {"email"}, {"displayName"}, {"role"}, {"isSpecialist"}, {"active", Opt}, {"createdAt", Opt},
                     {"organizationId"}}},
        {"Classroom", {{"id"}, {"name"}, {"code"}, {"archived", Opt}, {"createdAt", Opt}, {"organizationId"},
                       {"homeroomTeacherId"}}},
        {"TeacherClass", {{"id"}, {"teacherId"}, {"classroomId"}, {"assignedAt", Opt}}},
        {"Student", {{"id"}, {"studentId"}, {"firstName"}, {"lastName"}, {"guardians"}, {"notes"}, {"active", Opt},
                     {"createdAt", Opt}, {"updatedAt", Opt}, {"classroomId"}, {"organizationId"}}},
        {"Incident", {{"id"}, {"uuid"}, {"timestamp"}, {"type", ColumnNeed::ForCommendations}, {"studentId"},
                      {"studentName"}, {"classroomId"}, {"classCode"}, {"teacherEmail"}, {"level"}, {"category"},
                      {"location"}, {"actionTaken"}, {"note"}, {"device"}, {"createdAt", Opt}, {"organizationId"}}},
        {"AuditLog", {{"id"}, {"action"}, {"performedBy"}, {"meta"}, {"createdAt", Opt}}},
        {"Setting", {{"key"}, {"value"}, {"updatedAt"}}},
    };
    return tables;
}

std::string columnFactsQuery()
{
    std::string names;
    for (const RequiredTable &t : requiredSchema())
        names += std::string(names.empty() ? "'" : ", '") + t.name + "'";
    // The tables as the search path finds them (to_regclass), like every statement of the recovery.
    return "SELECT c.relname, a.attname, "
           "(a.attnotnull AND NOT a.atthasdef AND a.attidentity = '')::int "
           "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
           "WHERE c.oid IN (SELECT to_regclass(quote_ident(t.name)) FROM unnest(ARRAY["
        + names + "]) AS t(name)) AND a.attnum > 0 AND NOT a.attisdropped";
}

void addColumnFact(ColumnFacts &facts, const QString &table, const QString &column, bool notNullWithoutDefault)
{
    facts.tables.insert(table);
    facts.columns.insert(table + u'.' + column);
    if (!notNullWithoutDefault)
        return;
    const std::vector<const char *> &written = writtenTables();
    if (std::none_of(written.begin(), written.end(), [&](const char *t) { return table == QLatin1String(t); }))
        return;
    for (const RequiredTable &t : requiredSchema())
        if (table == QLatin1String(t.name))
            for (const SchemaColumn &c : t.columns)
                if (column == QLatin1String(c.name))
                    return;
    facts.unfillable << table + u'.' + column;
}

namespace {

// What a missing column means for TrackTally and for this recovery.
QString gapMeaning(const QString &table, const QString &column, bool required, qint64 commendations)
{
    const QString col = table + u'.' + column;
    if (col == QLatin1String("Organization.lmsProvider"))
        return tr("This database never got TrackTally's LmsProvider script (a working TrackTally database; the "
                  "script adds the column later with the default TRACKTALLY). The school is written without it.");
    if (col == QLatin1String("Incident.type"))
        return commendations < 0
            ? tr("This database predates TrackTally's incident-type migration: every row is an incident to "
                 "TrackTally, so commendations cannot be written into it (the plan says whether this recovery "
                 "holds any).")
            : required ? tr("This database predates TrackTally's incident-type migration: every row is an incident "
                             "to TrackTally, but the recovery holds %1 commendations, which would turn into "
                             "incidents. Run TrackTally's migrations first.")
                              .arg(commendations)
                        : tr("This database predates TrackTally's incident-type migration; every recovered row is "
                             "an incident, which is what TrackTally assumes without the column. Nothing is lost.");
    if (column == QLatin1String("organizationId") || table == QLatin1String("Organization"))
        return tr("This database predates TrackTally's organizations migration; the recovery cannot keep this "
                  "school's rows apart from other schools' without it. Run TrackTally's migrations first.");
    if (required)
        return tr("The recovery must fill this column; TrackTally never shipped a schema without it. Nothing "
                  "can be written until it is there.");
    return tr("Not in this version of TrackTally's schema; written without it (TrackTally does not need it).");
}

} // namespace

std::vector<SchemaGap> schemaGaps(const ColumnFacts &facts, qint64 commendations)
{
    std::vector<SchemaGap> gaps;
    for (const RequiredTable &t : requiredSchema()) {
        const QString table = QString::fromLatin1(t.name);
        if (!facts.tables.contains(table))
            continue;
        for (const SchemaColumn &c : t.columns) {
            if (facts.has(t.name, c.name))
                continue;
            const bool required = c.need == ColumnNeed::Required
                || (c.need == ColumnNeed::ForCommendations && commendations > 0);
            const QString column = QString::fromLatin1(c.name);
            gaps.push_back({table, column, required, false, gapMeaning(table, column, required, commendations)});
        }
    }
    for (const QString &u : facts.unfillable)
        gaps.push_back({u.section(u'.', 0, 0), u.section(u'.', 1), true, true,
                        tr("Not a column of TrackTally's schema, and NOT NULL without a default: the recovery has no "
                           "value for it, so no row could be inserted into this table.")});
    return gaps;
}

const std::vector<const char *> &writtenTables()
{
    static const std::vector<const char *> tables = {"Organization", "Teacher", "Classroom", "TeacherClass",
                                                     "Student", "Incident", "AuditLog"};
    return tables;
}

Database::Database(const ConnectionSpec &spec, int statementTimeoutMs)
    : m_d(std::make_unique<DatabasePrivate>())
{
    m_d->spec = spec.withSafeDefaults();
    m_d->statementTimeoutMs = statementTimeoutMs;
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
        id.systemIdentifier = readSystemIdentifier(tx);
        id.localSocket = id.host.isEmpty() || id.host.startsWith(u'/') || id.host.startsWith(u'@');
        readTlsState(tx, &id);
        id.poolerReason = m_d->spec.poolerReason();
        id.notes = m_d->spec.notes();
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
    if (tls)
        lines << QCoreApplication::translate("tt::Database", "Connection: encrypted (%1, %2)").arg(tlsProtocol, tlsCipher);
    else if (localSocket)
        lines << QCoreApplication::translate("tt::Database", "Connection: a local socket on this computer (not encrypted; "
                                                              "it does not cross a network)");
    else
        lines << QCoreApplication::translate("tt::Database", "Connection: NOT encrypted (no TLS): the school's data "
                                                              "crosses the network in clear text");
    for (const QString &note : notes)
        lines << QCoreApplication::translate("tt::Database", "Note: %1").arg(note);
    if (!poolerReason.isEmpty())
        lines << QCoreApplication::translate("tt::Database", "Through a connection pooler (%1): fine for the plan, but "
                                                              "the backup and the commit need the direct address.")
                     .arg(poolerReason);
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

DatabaseFingerprint Database::fingerprint()
{
    DatabaseFingerprint f;
    try {
        pqxx::read_transaction tx(*m_d->conn);
        const pqxx::row r = tx.exec1(
            "SELECT current_database(), (SELECT oid::text FROM pg_database WHERE datname = current_database()), "
            "to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
            "host(inet_server_addr()) || ':' || inet_server_port()");
        ++m_d->statements;
        f.database = fromField(r[0]);
        f.databaseOid = fromField(r[1]);
        f.startedAt = fromField(r[2]);
        f.serverAddress = fromField(r[3]);
        f.systemIdentifier = readSystemIdentifier(tx);
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot identify the database: %1").arg(describeDbError(e)));
    }
    return f;
}

DatabaseMatch compareDatabases(const DatabaseFingerprint &a, const DatabaseFingerprint &b)
{
    DatabaseMatch m;
    const bool bySystemId = !a.systemIdentifier.isEmpty() && !b.systemIdentifier.isEmpty();
    const bool sameServer = bySystemId ? a.systemIdentifier == b.systemIdentifier
                                       : (a.startedAt == b.startedAt && !a.startedAt.isEmpty()
                                          && a.databaseOid == b.databaseOid);
    m.same = sameServer && a.database == b.database;
    m.basis = bySystemId ? tr("the servers' system identifiers and the database names")
                         : tr("the servers' start times, the databases' internal ids and names (the system "
                              "identifier is not readable with these privileges)");
    if (m.same)
        m.explanation = tr("Both connections reach the same database \"%1\" (judged by %2).").arg(a.database, m.basis);
    else if (a.database != b.database)
        m.explanation = tr("The connections reach DIFFERENT databases: \"%1\" and \"%2\".").arg(a.database, b.database);
    else
        m.explanation = tr("The connections reach DIFFERENT servers, each with a database named \"%1\" (judged by "
                           "%2).").arg(a.database, m.basis);
    return m;
}

DatabaseMatch sameDatabase(const ConnectionSpec &a, const ConnectionSpec &b)
{
    Database first(a, 30000);
    Database second(b, 30000);
    return compareDatabases(first.fingerprint(), second.fingerprint());
}

PrivilegeReport Database::checkPrivileges()
{
    PrivilegeReport report;
    QStringList written;
    for (const char *t : writtenTables())
        written << QString::fromLatin1(t);
    try {
        pqxx::read_transaction tx(*m_d->conn);
        report.user = fromField(tx.exec1("SELECT current_user")[0]);
        const pqxx::result rows = tx.exec_params(R"SQL(
SELECT 'B', format('SELECT on %s %I.%I', CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END, n.nspname, c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'S', 'm') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
   AND NOT has_table_privilege(c.oid, 'SELECT')
UNION ALL
SELECT 'A', format('%s on table %I', p.p, t.t)
  FROM unnest($1::text[]) t(t) CROSS JOIN (VALUES ('SELECT'), ('INSERT')) p(p)
 WHERE to_regclass(quote_ident(t.t)) IS NOT NULL AND NOT has_table_privilege(to_regclass(quote_ident(t.t)), p.p)
UNION ALL
SELECT 'A', format('TEMPORARY (temporary tables) on database %I', current_database())
 WHERE NOT has_database_privilege(current_database(), 'TEMPORARY')
)SQL",
                                                 pgTextArray(written));
        m_d->statements += 2;
        for (const auto &row : rows)
            (fromField(row[0]) == QLatin1String("B") ? report.missingForBackup : report.missingForApply) << fromField(row[1]);
        std::sort(report.missingForBackup.begin(), report.missingForBackup.end());
        std::sort(report.missingForApply.begin(), report.missingForApply.end());
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot read this role's privileges: %1").arg(describeDbError(e)));
    }
    return report;
}

QString PrivilegeReport::describe() const
{
    if (ok())
        return QCoreApplication::translate("tt::Database", "The role %1 may read every table (backup) and insert into "
                                                          "each table the recovery writes.").arg(user);
    QStringList lines;
    if (!missingForBackup.isEmpty())
        lines << QCoreApplication::translate("tt::Database", "The role %1 cannot take the backup; it lacks: %2")
                     .arg(user, missingForBackup.join(QStringLiteral(", ")));
    if (!missingForApply.isEmpty())
        lines << QCoreApplication::translate("tt::Database", "The role %1 cannot write the recovery; it lacks: %2")
                     .arg(user, missingForApply.join(QStringLiteral(", ")));
    lines << QCoreApplication::translate("tt::Database", "Connect as the database owner (TrackTally's "
                                                          "DIRECT_DATABASE_URL), or have these granted.");
    return lines.join(u'\n');
}

void Database::refuseIfPooled(const QString &what) const
{
    const QString reason = m_d->spec.poolerReason();
    if (!reason.isEmpty())
        throw RefusalError(tr("Refusing to %1 through a connection pooler (%2): pg_dump and the session a recovery "
                              "needs (advisory lock, temporary tables) do not work through PgBouncer in transaction "
                              "mode. Use the direct address: TrackTally's DIRECT_DATABASE_URL, the host without "
                              "\"-pooler\" (port 5432).")
                               .arg(what, reason));
}

SchemaReport Database::checkSchema()
{
    SchemaReport report;
    try {
        pqxx::read_transaction tx(*m_d->conn);
        const pqxx::result cols = tx.exec(columnFactsQuery());
        const pqxx::result labels = tx.exec(
            "SELECT e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
            "WHERE t.typname = 'LmsProvider' AND pg_type_is_visible(t.oid)");
        m_d->statements += 2;
        ColumnFacts facts;
        for (const auto &row : cols)
            addColumnFact(facts, fromField(row[0]), fromField(row[1]), row[2].as<int>() != 0);
        for (const RequiredTable &t : requiredSchema())
            if (!facts.tables.contains(QString::fromLatin1(t.name)))
                report.missingTables << QString::fromLatin1(t.name);
        for (const SchemaGap &g : schemaGaps(facts, -1)) { // the records are not known here
            const QString col = g.table + u'.' + g.column;
            (g.unknown ? report.unfillableColumns : g.required ? report.missingColumns : report.optionalColumnsMissing)
                << col;
            report.gapMeanings << tr("%1: %2").arg(col, g.meaning);
        }
        QSet<QString> enumValues;
        for (const auto &row : labels)
            enumValues.insert(fromField(row[0]));
        if (facts.has("Organization", "lmsProvider")) { // without the column, the enum is not needed either
            if (enumValues.isEmpty()) {
                report.missingEnumValues << QStringLiteral("LmsProvider");
            } else {
                for (const char *v : {"TRACKTALLY", "SIMON"})
                    if (!enumValues.contains(QString::fromLatin1(v)))
                        report.missingEnumValues << QStringLiteral("LmsProvider.") + QString::fromLatin1(v);
            }
        }
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot read the database's schema: %1").arg(describeDbError(e)));
    }
    return report;
}

QString SchemaReport::describe() const
{
    QStringList lines;
    if (ok() && optionalColumnsMissing.isEmpty())
        return QCoreApplication::translate("tt::Database", "The database has TrackTally's schema.");
    if (ok())
        lines << QCoreApplication::translate("tt::Database", "The database has TrackTally's schema, an earlier "
                                                              "version of it; missing columns (not written):");
    else
        lines << QCoreApplication::translate("tt::Database", "The database does not have TrackTally's schema:");
    if (!missingTables.isEmpty())
        lines << QCoreApplication::translate("tt::Database", "  missing tables: %1").arg(missingTables.join(QStringLiteral(", ")));
    if (!missingColumns.isEmpty())
        lines << QCoreApplication::translate("tt::Database", "  missing columns: %1").arg(missingColumns.join(QStringLiteral(", ")));
    if (!missingEnumValues.isEmpty())
        lines << QCoreApplication::translate("tt::Database", "  missing enum: %1").arg(missingEnumValues.join(QStringLiteral(", ")));
    if (!unfillableColumns.isEmpty())
        lines << QCoreApplication::translate("tt::Database", "  columns the recovery cannot fill: %1")
                     .arg(unfillableColumns.join(QStringLiteral(", ")));
    for (const QString &m : gapMeanings)
        lines << QStringLiteral("  ") + m;
    return lines.join(u'\n');
}

} // namespace tt
