#include "preflight.h"

#include "backup.h"
#include "database_p.h"
#include "fingerprint_p.h"
#include "restoredcopy_p.h"

#include "common/errors.h"
#include "common/privatefile.h"
#include "common/progress.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <optional>

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::MigrationRehearsal", text);
}

// "prod", "stage", "dev", "test" or empty, from a database name such as tracktally_stage.
QString environmentOf(const QString &database)
{
    static const QRegularExpression re(
        QStringLiteral(R"((?:^|[_.-])(prod|production|live|stage|staging|dev|develop|development|test|testing|qa|preview)(?:$|[_.-]))"),
        QRegularExpression::CaseInsensitiveOption);
    const QString word = re.match(database).captured(1).toLower();
    if (word.isEmpty())
        return {};
    if (word.startsWith(u"prod") || word == u"live")
        return QStringLiteral("prod");
    if (word.startsWith(u"stag") || word == u"preview")
        return QStringLiteral("stage");
    if (word.startsWith(u"dev"))
        return QStringLiteral("dev");
    return QStringLiteral("test");
}

QHash<QString, qint64> contentCounts(const TableRows &rows)
{
    QHash<QString, qint64> out;
    if (rows.keyColumns.isEmpty()) {
        for (auto it = rows.copies.cbegin(); it != rows.copies.cend(); ++it)
            out[it.key()] += it.value();
    } else {
        for (const QString &h : rows.rows)
            ++out[h];
    }
    return out;
}

PreflightTable compareRows(const TableRows &before, const std::optional<TableRows> &after)
{
    PreflightTable t;
    t.table = before.table.display();
    t.rowsBefore = before.count;
    if (!after) {
        t.rowsAfter = -1;
        t.lost = before.count;
        return t;
    }
    t.rowsAfter = after->count;
    t.droppedColumns = after->missingColumns;
    t.recreated = after->oid != before.oid;
    if (!before.keyColumns.isEmpty() && after->keyColumns == before.keyColumns) {
        for (auto it = before.rows.cbegin(); it != before.rows.cend(); ++it) {
            const auto found = after->rows.constFind(it.key());
            if (found == after->rows.cend())
                ++t.lost;
            else if (found.value() != it.value())
                ++t.changed;
        }
        for (auto it = after->rows.cbegin(); it != after->rows.cend(); ++it)
            t.added += before.rows.contains(it.key()) ? 0 : 1;
        return t;
    }
    // No key to match by (or the key itself was dropped): by content, as a multiset.
    const QHash<QString, qint64> was = contentCounts(before);
    const QHash<QString, qint64> now = contentCounts(*after);
    for (auto it = was.cbegin(); it != was.cend(); ++it)
        t.lost += std::max<qint64>(0, it.value() - now.value(it.key()));
    t.added = std::max<qint64>(0, after->count - (before.count - t.lost));
    return t;
}

// On the restored copy: rows before, the migration in the same transaction, rows after; rolled back.
void rehearse(const QString &url, const std::string &sql, PreflightResult &r, Progress *progress)
{
    pqxx::connection c(toStd(url));
    pqxx::work tx(c);
    setCanonicalOutput(tx);
    QElapsedTimer t;
    t.start();
    const std::vector<TableName> tables = userTables(tx);
    if (progress)
        progress->begin(tr("Reading every row of %1 tables").arg(tables.size()), qint64(tables.size()));
    std::vector<TableRows> before;
    for (const TableName &table : tables) {
        checkCancel(progress);
        before.push_back(readRows(tx, table));
        if (progress)
            progress->advance(qint64(before.size()));
    }
    r.compareMs = t.elapsed();
    if (progress)
        progress->begin(tr("Running the migration on the copy"), 0);
    t.restart();
    try {
        tx.exec(sql);
    } catch (const pqxx::sql_error &e) {
        r.migrationMs = t.elapsed();
        r.migrationFailed = true;
        r.migrationError = redactSecrets(QString::fromUtf8(e.what()).trimmed());
        return;
    }
    r.migrationMs = t.elapsed();
    checkCancel(progress);
    t.restart();
    setCanonicalOutput(tx); // the migration may have changed the session's settings
    if (progress)
        progress->begin(tr("Comparing every row after the migration"), qint64(before.size()));
    for (const TableRows &b : before) {
        checkCancel(progress);
        std::optional<TableRows> after;
        if (tableExists(tx, b.table))
            after = readRows(tx, b.table, b.columns, b.keyColumns);
        r.tables.push_back(compareRows(b, after));
        if (progress)
            progress->advance(qint64(r.tables.size()));
    }
    for (const TableName &table : userTables(tx)) {
        const bool known = std::any_of(tables.cbegin(), tables.cend(), [&](const TableName &x) {
            return x.schema == table.schema && x.name == table.name;
        });
        if (!known)
            r.newTables << table.display();
    }
    r.compareMs += t.elapsed();
    tx.abort();
}

QStringList targetRoles(Database &target)
{
    QStringList roles;
    try {
        pqxx::read_transaction tx(*target.d()->conn);
        for (const auto &row : tx.exec("SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1"))
            roles << fromField(row[0]);
    } catch (const std::exception &) {
        // not readable: GRANTs to the target's roles will then fail on the copy, with PostgreSQL's message
    }
    return roles;
}

} // namespace

QStringList MigrationRehearsal::environmentWarnings(const QString &database, qint64 rowsInUse, const QString &envFile)
{
    QStringList warnings;
    const QString env = environmentOf(database);
    if ((env == u"stage" || env == u"dev" || env == u"test") && rowsInUse > 0)
        warnings << tr("\"%1\" is named like a %2 database, yet it holds %3 rows of schools' data. In 2025 "
                       "TrackTally's production data lived in tracktally_stage: treat it as production.")
                        .arg(database, env)
                        .arg(rowsInUse);
    if (envFile.isEmpty())
        return warnings;
    const EnvFileCheck check = checkEnvFile(envFile);
    if (check.differ)
        warnings << check.warning;
    const std::pair<const char *, QString> urls[] = {{"DATABASE_URL", check.databaseUrl},
                                                     {"DIRECT_DATABASE_URL", check.directDatabaseUrl}};
    for (const auto &[key, url] : urls) {
        if (url.isEmpty())
            continue;
        QString named;
        try {
            named = ConnectionSpec::parse(url).database();
        } catch (const UserError &) {
            continue;
        }
        if (!named.isEmpty() && named != database)
            warnings << tr("%1 in %2 names the database \"%3\"%4, but the rehearsal ran on a copy of \"%5\"%6: "
                           "a migration run from that .env goes to \"%3\", not to the database rehearsed.")
                            .arg(QString::fromLatin1(key), envFile, named,
                                 environmentOf(named).isEmpty() ? QString() : QStringLiteral(" (%1)").arg(environmentOf(named)),
                                 database,
                                 env.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(env));
    }
    return warnings;
}

PreflightResult MigrationRehearsal::run(Database &target, const PreflightOptions &options, Progress *progress)
{
    QElapsedTimer total;
    total.start();
    PreflightResult r;
    QFile file(options.migrationFile);
    if (!file.open(QIODevice::ReadOnly))
        throw UserError(tr("Cannot read the migration %1: %2").arg(options.migrationFile, file.errorString()));
    const QByteArray sql = file.readAll();
    if (sql.trimmed().isEmpty())
        throw UserError(tr("The migration %1 is empty.").arg(options.migrationFile));
    r.migrationFile = QFileInfo(options.migrationFile).absoluteFilePath();
    r.migrationSha256 = QString::fromLatin1(QCryptographicHash::hash(sql, QCryptographicHash::Sha256).toHex());

    const ServerIdentity id = target.identify(QString());
    r.database = id.database;
    r.host = id.host;
    r.port = id.port;
    r.systemIdentifier = id.systemIdentifier;
    r.serverVersion = id.serverVersion;
    qint64 rowsInUse = 0;
    for (const TableCount &c : id.counts)
        rowsInUse += c.thisSchool + c.otherSchools;
    r.warnings = environmentWarnings(r.database, rowsInUse, options.envFile);
    const QStringList roles = targetRoles(target);

    QTemporaryDir tmp;
    const QString dir = options.dir.isEmpty() ? tmp.path() : options.dir;
    if (dir.isEmpty())
        throw UserError(tr("Cannot create a temporary folder for the rehearsal."));
    makePrivateDir(dir);
    QElapsedTimer t;
    t.start();
    const BackupResult b = Backup::run(target, dir, progress);
    r.backupMs = t.elapsed();
    r.backupFile = options.dir.isEmpty() ? QString() : b.file;
    r.backupBytes = b.bytes;
    checkCancel(progress);

    t.restart();
    if (progress)
        progress->begin(tr("Starting a private sandbox"), 0);
    RestoredCopy copy(dir, QStringLiteral("preflight-sandbox"));
    copy.createRoles(roles);
    const bool reserved = r.database.isEmpty() || r.database == u"postgres" || r.database.startsWith(u"template")
                          || r.database == u"tracktally_sandbox";
    const QString url = copy.createDatabase(reserved ? QStringLiteral("preflight_copy") : r.database);
    r.sandboxMs = t.elapsed();
    t.restart();
    if (progress)
        progress->begin(tr("Restoring the backup into the sandbox"), 0);
    const QString restoreError = RestoredCopy::restore(b.file, url, progress);
    r.restoreMs = t.elapsed();
    if (!restoreError.isEmpty())
        throw DatabaseError(tr("The fresh backup of %1 could not be restored into the sandbox, so nothing was "
                               "rehearsed: %2").arg(r.database, restoreError));
    try {
        rehearse(url, sql.toStdString(), r, progress);
    } catch (const Cancelled &) {
        throw;
    } catch (const std::exception &e) {
        throw DatabaseError(tr("The rehearsal on the restored copy failed: %1").arg(describeDbError(e)));
    }
    r.totalMs = total.elapsed();
    return r;
}

bool PreflightResult::safe() const
{
    return !migrationFailed && harmedTables().isEmpty();
}

QStringList PreflightResult::harmedTables() const
{
    QStringList out;
    for (const PreflightTable &t : tables)
        if (t.harmed())
            out << t.table;
    return out;
}

QString PreflightResult::describe() const
{
    QStringList lines;
    lines << tr("Rehearsed on a restored copy of database \"%1\" on %2 port %3, system identifier %4 (PostgreSQL %5).")
                 .arg(database, host.isEmpty() ? QStringLiteral("(default)") : host, port,
                      systemIdentifier.isEmpty() ? tr("not readable") : systemIdentifier, serverVersion);
    lines << tr("Nothing was run on that database: it was only read and dumped.");
    for (const QString &w : warnings)
        lines << tr("WARNING: %1").arg(w);
    lines << tr("Migration: %1 (sha256 %2)").arg(migrationFile, migrationSha256.left(16));
    if (migrationFailed) {
        lines << tr("FAILED: the migration does not run on a copy of %1. PostgreSQL said:").arg(database);
        lines << migrationError;
        return lines.join(u'\n');
    }
    int width = 5;
    for (const PreflightTable &t : tables)
        width = std::max(width, int(t.table.size()));
    lines << QString();
    lines << tr("Table").leftJustified(width + 2) + tr("Before").rightJustified(9) + tr("After").rightJustified(9)
                 + tr("Lost").rightJustified(8) + tr("Changed").rightJustified(9) + tr("Added").rightJustified(8)
                 + QStringLiteral("  ") + tr("Result");
    for (const PreflightTable &t : tables) {
        QString result = t.harmed() ? tr("ROWS LOST OR CHANGED") : tr("ok");
        if (t.rowsAfter < 0)
            result += tr(" (table dropped)");
        else if (t.recreated)
            result += tr(" (dropped and recreated)");
        if (!t.droppedColumns.isEmpty())
            result += tr(" (columns gone: %1)").arg(t.droppedColumns.join(QStringLiteral(", ")));
        lines << t.table.leftJustified(width + 2) + QString::number(t.rowsBefore).rightJustified(9)
                     + (t.rowsAfter < 0 ? tr("gone") : QString::number(t.rowsAfter)).rightJustified(9)
                     + QString::number(t.lost).rightJustified(8) + QString::number(t.changed).rightJustified(9)
                     + QString::number(t.added).rightJustified(8) + QStringLiteral("  ") + result;
    }
    if (!newTables.isEmpty())
        lines << tr("New tables: %1").arg(newTables.join(QStringLiteral(", ")));
    lines << QString();
    lines << tr("Timings: backup %1 s, sandbox %2 s, restore %3 s, migration %4 s, compare %5 s, total %6 s.")
                 .arg(backupMs / 1000.0, 0, 'f', 2)
                 .arg(sandboxMs / 1000.0, 0, 'f', 2)
                 .arg(restoreMs / 1000.0, 0, 'f', 2)
                 .arg(migrationMs / 1000.0, 0, 'f', 2)
                 .arg(compareMs / 1000.0, 0, 'f', 2)
                 .arg(totalMs / 1000.0, 0, 'f', 2);
    if (safe()) {
        lines << tr("SAFE: no existing row is lost or changed in any of the %1 tables.").arg(tables.size());
    } else {
        QStringList named;
        for (const PreflightTable &t : tables)
            if (t.harmed())
                named << tr("%1 (%2 lost, %3 changed of %4)").arg(t.table).arg(t.lost).arg(t.changed).arg(t.rowsBefore);
        lines << tr("REFUSED: this migration loses or changes existing rows in %1. Do not run it on \"%2\".")
                     .arg(named.join(QStringLiteral(", ")), database);
    }
    return lines.join(u'\n');
}

QJsonObject PreflightResult::toJson() const
{
    QJsonArray tableArray;
    for (const PreflightTable &t : tables) {
        QJsonObject o;
        o.insert(u"table", t.table);
        o.insert(u"rowsBefore", t.rowsBefore);
        o.insert(u"rowsAfter", t.rowsAfter);
        o.insert(u"lost", t.lost);
        o.insert(u"changed", t.changed);
        o.insert(u"added", t.added);
        o.insert(u"droppedColumns", QJsonArray::fromStringList(t.droppedColumns));
        o.insert(u"dropped", t.rowsAfter < 0);
        o.insert(u"recreated", t.recreated);
        o.insert(u"ok", !t.harmed());
        tableArray.append(o);
    }
    const QJsonObject db = identityJson(database, host, port, systemIdentifier, serverVersion);
    QJsonObject migration;
    migration.insert(u"file", migrationFile);
    migration.insert(u"sha256", migrationSha256);
    migration.insert(u"failed", migrationFailed);
    migration.insert(u"error", migrationError);
    QJsonObject timings;
    timings.insert(u"backup", backupMs);
    timings.insert(u"sandbox", sandboxMs);
    timings.insert(u"restore", restoreMs);
    timings.insert(u"migration", migrationMs);
    timings.insert(u"compare", compareMs);
    timings.insert(u"total", totalMs);
    QJsonObject o;
    o.insert(u"command", QStringLiteral("preflight"));
    o.insert(u"safe", safe());
    o.insert(u"database", db);
    o.insert(u"warnings", QJsonArray::fromStringList(warnings));
    o.insert(u"migration", migration);
    o.insert(u"backupFile", backupFile);
    o.insert(u"backupBytes", backupBytes);
    o.insert(u"tables", tableArray);
    o.insert(u"harmedTables", QJsonArray::fromStringList(harmedTables()));
    o.insert(u"newTables", QJsonArray::fromStringList(newTables));
    o.insert(u"timingsMs", timings);
    return o;
}

} // namespace tt
