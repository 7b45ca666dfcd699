#include "drill.h"

#include "backup.h"
#include "database_p.h"
#include "fingerprint_p.h"
#include "restoredcopy_p.h"
#include "sandbox.h"

#include "common/errors.h"
#include "common/privatefile.h"
#include "common/progress.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::RestoreDrill", text);
}

const char *const kMarkerSuffix = ".drill.json";
const char *const kWrittenBy = "tracktally-recovery drill";
const char *const kRestoredDatabase = "drill_restore";

// The names Backup::run gives its files: <database>_<yyyyMMddTHHmmsszzzZ>.dump
const QRegularExpression &backupName()
{
    static const QRegularExpression re(QStringLiteral(R"(^[A-Za-z0-9_.-]+_(\d{8}T\d{9}Z)\.dump$)"));
    return re;
}

QString markerFor(const QString &file)
{
    return file + QString::fromLatin1(kMarkerSuffix);
}

void writeMarker(const DrillResult &r, bool passed)
{
    QJsonObject o;
    o.insert(u"writtenBy", QString::fromLatin1(kWrittenBy));
    o.insert(u"file", QFileInfo(r.backupFile).fileName());
    o.insert(u"bytes", r.backupBytes);
    o.insert(u"database", r.database);
    o.insert(u"systemIdentifier", r.systemIdentifier);
    o.insert(u"snapshot", r.snapshot);
    o.insert(u"drillPassed", passed);
    o.insert(u"checkedAt", QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    writePrivateFile(markerFor(r.backupFile), QJsonDocument(o).toJson());
}

// The source side, in one REPEATABLE READ transaction whose snapshot pg_dump shares.
void backupInSnapshot(Database &source, const DrillOptions &options, DrillResult &r,
                      std::vector<TableFingerprint> &fingerprints, Progress *progress)
{
    Database holder(source.spec());
    try {
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(*holder.d()->conn);
        setCanonicalOutput(tx);
        r.snapshot = fromField(tx.exec1("SELECT pg_export_snapshot()")[0]);
        testPause("snapshot");
        QElapsedTimer t;
        t.start();
        const BackupResult b = Backup::run(source, options.dir, progress, r.snapshot);
        r.backupMs = t.elapsed();
        r.backupFile = b.file;
        r.backupBytes = b.bytes;
        t.restart();
        const std::vector<TableName> tables = userTables(tx);
        if (progress)
            progress->begin(tr("Counting the rows of %1 tables").arg(tables.size()), qint64(tables.size()));
        for (const TableName &table : tables) {
            checkCancel(progress);
            fingerprints.push_back(fingerprintTable(tx, table));
            if (progress)
                progress->advance(qint64(fingerprints.size()));
        }
        r.compareMs = t.elapsed();
        tx.commit();
    } catch (const UserError &) {
        throw;
    } catch (const Cancelled &) {
        throw;
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot read %1 in one snapshot: %2").arg(r.database, describeDbError(e)));
    }
}

std::vector<TableFingerprint> restoreAndFingerprint(const QString &file, DrillResult &r, const QString &dir,
                                                    Progress *progress)
{
    std::vector<TableFingerprint> restored;
    QElapsedTimer t;
    t.start();
    if (progress)
        progress->begin(tr("Starting a private sandbox in %1").arg(dir), 0);
    RestoredCopy copy(dir, QStringLiteral("drill-sandbox"));
    r.sandboxMs = t.elapsed();
    checkCancel(progress);
    t.restart();
    const QString url = copy.createDatabase(QString::fromLatin1(kRestoredDatabase));
    if (progress)
        progress->begin(tr("Restoring %1 into the sandbox").arg(QFileInfo(file).fileName()), 0);
    r.restoreError = RestoredCopy::restore(file, url, progress);
    r.restoreMs = t.elapsed();
    if (!r.restoreError.isEmpty())
        return restored;
    t.restart();
    try {
        pqxx::connection c(toStd(url));
        pqxx::read_transaction tx(c);
        setCanonicalOutput(tx);
        const std::vector<TableName> tables = userTables(tx);
        if (progress)
            progress->begin(tr("Comparing %1 tables").arg(tables.size()), qint64(tables.size()));
        for (const TableName &table : tables) {
            checkCancel(progress);
            restored.push_back(fingerprintTable(tx, table));
            if (progress)
                progress->advance(qint64(restored.size()));
        }
    } catch (const Cancelled &) {
        throw;
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot read the restored copy: %1").arg(describeDbError(e)));
    }
    r.compareMs += t.elapsed();
    return restored;
}

} // namespace

DrillResult RestoreDrill::run(Database &source, const DrillOptions &options, Progress *progress)
{
    if (options.dir.isEmpty())
        throw UserError(tr("The drill needs a folder for its backups (--dir)."));
    makePrivateDir(options.dir);
    QElapsedTimer total;
    total.start();
    DrillResult r;
    const ServerIdentity id = source.identify(QString());
    r.database = id.database;
    r.host = id.host;
    r.port = id.port;
    r.systemIdentifier = id.systemIdentifier;
    r.serverVersion = id.serverVersion;

    std::vector<TableFingerprint> before;
    backupInSnapshot(source, options, r, before, progress);
    testPause("dump");
    // Re-read the size: what is restored is what is on disk now.
    r.backupBytes = QFileInfo(r.backupFile).size();
    writeMarker(r, false);
    const std::vector<TableFingerprint> after = restoreAndFingerprint(r.backupFile, r, options.dir, progress);

    for (const TableFingerprint &f : before) {
        DrillTable t;
        t.table = f.table.display();
        t.sourceRows = f.rows;
        t.sourceChecksum = f.checksum;
        for (const TableFingerprint &g : after) {
            if (g.table.schema == f.table.schema && g.table.name == f.table.name) {
                t.restoredRows = g.rows;
                t.restoredChecksum = g.checksum;
            }
        }
        r.tables.push_back(t);
    }
    const bool passed = r.ok();
    writeMarker(r, passed);
    if (passed && options.keep > 0)
        r.removedBackups = pruneBackups(options.dir, r.database, options.keep);
    r.totalMs = total.elapsed();
    return r;
}

bool DrillResult::ok() const
{
    return restoreError.isEmpty() && !tables.empty() && failedTables() == 0;
}

int DrillResult::failedTables() const
{
    int n = 0;
    for (const DrillTable &t : tables)
        n += t.ok() ? 0 : 1;
    return n;
}

QString DrillResult::describe() const
{
    QStringList lines;
    lines << tr("Restore drill of \"%1\" on %2 (system identifier %3)")
                 .arg(database, host.isEmpty() ? QStringLiteral("(default)") : host,
                      systemIdentifier.isEmpty() ? tr("not readable") : systemIdentifier);
    lines << tr("Backup: %1 (%2 bytes), taken in snapshot %3").arg(backupFile).arg(backupBytes).arg(snapshot);
    if (!restoreError.isEmpty())
        lines << tr("The backup could NOT be restored: %1").arg(restoreError);
    int width = 5;
    for (const DrillTable &t : tables)
        width = std::max(width, int(t.table.size()));
    lines << QString();
    lines << tr("Table").leftJustified(width + 2) + tr("Source rows").rightJustified(12)
                 + tr("Restored rows").rightJustified(15) + QStringLiteral("  ") + tr("Content").leftJustified(10)
                 + tr("Result");
    for (const DrillTable &t : tables) {
        const QString restored = t.restoredRows < 0 ? tr("missing") : QString::number(t.restoredRows);
        const QString content = t.restoredRows < 0 ? QStringLiteral("-")
                                : t.restoredChecksum == t.sourceChecksum ? tr("same")
                                                                         : tr("DIFFERENT");
        lines << t.table.leftJustified(width + 2) + QString::number(t.sourceRows).rightJustified(12)
                     + restored.rightJustified(15) + QStringLiteral("  ") + content.leftJustified(10)
                     + (t.ok() ? tr("PASS") : tr("FAIL"));
    }
    lines << QString();
    lines << tr("Timings: backup %1 s, sandbox %2 s, restore %3 s, compare %4 s, total %5 s.")
                 .arg(backupMs / 1000.0, 0, 'f', 2)
                 .arg(sandboxMs / 1000.0, 0, 'f', 2)
                 .arg(restoreMs / 1000.0, 0, 'f', 2)
                 .arg(compareMs / 1000.0, 0, 'f', 2)
                 .arg(totalMs / 1000.0, 0, 'f', 2);
    for (const QString &f : removedBackups)
        lines << tr("Removed an older drill backup: %1").arg(f);
    if (ok())
        lines << tr("PASS: all %1 tables restored with the same rows and content.").arg(tables.size());
    else if (!restoreError.isEmpty())
        lines << tr("FAIL: the backup does not restore. Do not rely on it; take a new one and find out why.");
    else
        lines << tr("FAIL: %1 of %2 tables differ after the restore.").arg(failedTables()).arg(tables.size());
    return lines.join(u'\n');
}

QJsonObject DrillResult::toJson() const
{
    QJsonArray tableArray;
    for (const DrillTable &t : tables) {
        QJsonObject o;
        o.insert(u"table", t.table);
        o.insert(u"sourceRows", t.sourceRows);
        o.insert(u"sourceChecksum", t.sourceChecksum);
        o.insert(u"restoredRows", t.restoredRows);
        o.insert(u"restoredChecksum", t.restoredChecksum);
        o.insert(u"ok", t.ok());
        tableArray.append(o);
    }
    const QJsonObject db = identityJson(database, host, port, systemIdentifier, serverVersion);
    QJsonObject backup;
    backup.insert(u"file", backupFile);
    backup.insert(u"bytes", backupBytes);
    backup.insert(u"snapshot", snapshot);
    QJsonObject timings;
    timings.insert(u"backup", backupMs);
    timings.insert(u"sandbox", sandboxMs);
    timings.insert(u"restore", restoreMs);
    timings.insert(u"compare", compareMs);
    timings.insert(u"total", totalMs);
    QJsonObject o;
    o.insert(u"command", QStringLiteral("drill"));
    o.insert(u"ok", ok());
    o.insert(u"database", db);
    o.insert(u"backup", backup);
    o.insert(u"restoreError", restoreError);
    o.insert(u"tables", tableArray);
    o.insert(u"failedTables", failedTables());
    o.insert(u"removedBackups", QJsonArray::fromStringList(removedBackups));
    o.insert(u"timingsMs", timings);
    return o;
}

QStringList RestoreDrill::drillBackups(const QString &dirPath, const QString &database)
{
    const QDir dir(dirPath);
    QStringList out;
    for (const QString &name : dir.entryList({QStringLiteral("*.dump")}, QDir::Files, QDir::Name)) {
        if (!backupName().match(name).hasMatch())
            continue;
        QFile marker(dir.filePath(markerFor(name)));
        if (!marker.open(QIODevice::ReadOnly) || marker.size() > 65536)
            continue;
        const QJsonObject o = QJsonDocument::fromJson(marker.readAll()).object();
        if (o.value(u"writtenBy").toString() != QLatin1String(kWrittenBy) || o.value(u"file").toString() != name
            || o.value(u"bytes").toInteger(-1) != QFileInfo(dir.filePath(name)).size()
            || (!database.isEmpty() && o.value(u"database").toString() != database))
            continue;
        out << dir.filePath(name);
    }
    std::sort(out.begin(), out.end(), [](const QString &a, const QString &b) {
        return backupName().match(QFileInfo(a).fileName()).captured(1) < backupName().match(QFileInfo(b).fileName()).captured(1);
    });
    return out;
}

QStringList RestoreDrill::pruneBackups(const QString &dir, const QString &database, int keep)
{
    QStringList removed;
    const QStringList all = drillBackups(dir, database);
    for (qsizetype i = 0; i + keep < all.size(); ++i) {
        if (QFile::remove(all[i])) {
            QFile::remove(markerFor(all[i]));
            removed << all[i];
        }
    }
    return removed;
}

namespace {

// systemd: % starts a specifier (%% is a percent sign); the value is double-quoted, so " and \ are escaped.
QString systemdQuote(const QString &value)
{
    QString v = value;
    v.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\"")).replace(u'%', QStringLiteral("%%"));
    return u'"' + v + u'"';
}

// cron runs the line with /bin/sh, where a bare % ends the command: \% inside single quotes.
QString cronQuote(const QString &value)
{
    QString v = value;
    v.replace(u'\'', QStringLiteral("'\\''")).replace(u'%', QStringLiteral("\\%"));
    return u'\'' + v + u'\'';
}

} // namespace

QString RestoreDrill::schedule(const QString &program, const QString &database, const QString &dir, int keep)
{
    const QString absDir = QDir(dir).absolutePath();
    const QString json = QDir(absDir).filePath(QStringLiteral("last-drill.json"));
    const QString keepArg = keep > 0 ? QStringLiteral(" --keep %1").arg(keep) : QString();
    QString s;
    s += QStringLiteral("# ~/.config/systemd/user/tracktally-drill.service\n"
                        "[Unit]\n"
                        "Description=TrackTally restore drill: backup, restore into a private sandbox, compare\n\n"
                        "[Service]\n"
                        "Type=oneshot\n"
                        "ExecStart=%1 drill --database %2 --dir %3%4 --json %5\n\n")
             .arg(systemdQuote(program), systemdQuote(database), systemdQuote(absDir), keepArg, systemdQuote(json));
    s += QStringLiteral("# ~/.config/systemd/user/tracktally-drill.timer\n"
                        "[Unit]\n"
                        "Description=Daily TrackTally restore drill\n\n"
                        "[Timer]\n"
                        "OnCalendar=*-*-* 02:30:00\n"
                        "RandomizedDelaySec=15min\n"
                        "Persistent=true\n\n"
                        "[Install]\n"
                        "WantedBy=timers.target\n\n");
    s += QStringLiteral("# Enable it:   systemctl --user daemon-reload && systemctl --user enable --now tracktally-drill.timer\n"
                        "# Keep it running while logged out:   loginctl enable-linger \"$USER\"\n"
                        "# Last result:   systemctl --user status tracktally-drill.service  (exit 0 = passed)\n"
                        "# The password comes from ~/.pgpass or the service file, never from this text.\n\n");
    s += QStringLiteral("# Or with cron (crontab -e), the same drill every day at 02:30:\n"
                        "30 2 * * * %1 drill --database %2 --dir %3%4 --json %5 >> %6 2>&1\n")
             .arg(cronQuote(program), cronQuote(database), cronQuote(absDir), keepArg, cronQuote(json),
                  cronQuote(QDir(absDir).filePath(QStringLiteral("drill.log"))));
    return s;
}

} // namespace tt
