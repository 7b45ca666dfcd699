// tracktally-recovery drill | preflight | snapshot: protect a database before the next loss.
#include "cli.h"

#include "common/errors.h"
#include "common/privatefile.h"
#include "database/database.h"
#include "database/drill.h"
#include "database/preflight.h"
#include "database/rosterread.h"
#include "roster/rostersnapshot.h"
#include "roster/snapshotsheet.h"
#include "session/envconfig.h"
#include "sheets/sheetsapi.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <memory>

namespace tt::cli {
namespace {

QString tr(const char *t) { return QCoreApplication::translate("tt::cli::protect", t); }

int refusable(const std::function<int()> &body)
{
    return guarded([&]() -> int {
        try {
            return body();
        } catch (const RefusalError &e) {
            err() << e.message().simplified() << Qt::endl;
            return Refused;
        }
    });
}

QCommandLineOption databaseOption()
{
    return QCommandLineOption(QStringLiteral("database"),
                              tr("The database: a postgresql:// URL, a libpq connection string or a service name. "
                                 "Passwords come from PGPASSWORD or ~/.pgpass."),
                              tr("URL"));
}

void writeJson(const QString &path, const QJsonObject &o)
{
    writePrivateFile(path, QJsonDocument(o).toJson());
}

} // namespace

int runDrill(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption database = databaseOption();
    const QCommandLineOption dir(QStringLiteral("dir"),
                                 tr("The folder for the drill's backups; the private sandbox lives in it while the "
                                    "drill runs."),
                                 tr("DIR"));
    const QCommandLineOption json(QStringLiteral("json"), tr("Also write the result as JSON."), tr("OUT"));
    const QCommandLineOption keep(QStringLiteral("keep"),
                                  tr("After a passing drill keep only the newest N backups of this database that "
                                     "the drill wrote (other files are never touched)."),
                                  tr("N"));
    const QCommandLineOption schedule(QStringLiteral("schedule"),
                                      tr("Print a systemd user timer and service (and a cron line) that run this "
                                         "drill every day, and do nothing else."));
    p.addOptions({database, dir, json, keep, schedule});
    if (int rc = parse(p, QStringLiteral("drill"),
                       tr("Restore drill: takes a backup inside one snapshot, restores it into a private sandbox and "
                          "compares every table's row count and content with the source as of that snapshot. "
                          "Exits 0 only when every table matches."),
                       args, {QStringLiteral("database"), QStringLiteral("dir")});
        rc >= 0)
        return rc;
    int keepN = 0;
    if (p.isSet(keep)) {
        bool ok = false;
        keepN = p.value(keep).toInt(&ok);
        if (!ok || keepN < 1) {
            err() << "drill: " << tr("--keep needs a number of backups, 1 or more") << Qt::endl;
            return Usage;
        }
    }
    return refusable([&]() -> int {
        const ConnectionSpec spec = ConnectionSpec::parse(p.value(database));
        if (p.isSet(schedule)) {
            if (!spec.password().isEmpty())
                throw UserError(tr("The --database given holds a password; a schedule would keep it in a plain "
                                   "file. Put the password in ~/.pgpass and give the URL without it."));
            out() << RestoreDrill::schedule(QCoreApplication::applicationFilePath(), p.value(database), p.value(dir),
                                            keepN);
            out().flush();
            return Ok;
        }
        Database db(spec);
        DrillOptions o;
        o.dir = p.value(dir);
        o.keep = keepN;
        CliProgress progress;
        const DrillResult r = RestoreDrill::run(db, o, &progress);
        out() << r.describe() << Qt::endl;
        if (p.isSet(json))
            writeJson(p.value(json), r.toJson());
        return r.ok() ? Ok : UserFailure;
    });
}

int runPreflight(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption database = databaseOption();
    const QCommandLineOption migration(QStringLiteral("migration"), tr("The migration script (SQL) to rehearse."),
                                       tr("FILE"));
    const QCommandLineOption dir(QStringLiteral("dir"),
                                 tr("Keep the fresh backup here (the sandbox lives in it while the rehearsal runs). "
                                    "Default: a temporary folder, removed afterwards."),
                                 tr("DIR"));
    const QCommandLineOption json(QStringLiteral("json"), tr("Also write the result as JSON."), tr("OUT"));
    const QCommandLineOption env(QStringLiteral("env"),
                                 tr("TrackTally's .env file: warns when its DATABASE_URL or DIRECT_DATABASE_URL name "
                                    "another database than the one rehearsed."),
                                 tr("FILE"));
    p.addOptions({database, migration, dir, json, env});
    if (int rc = parse(p, QStringLiteral("preflight"),
                       tr("Migration rehearsal: restores a fresh backup of the database into a private sandbox, runs "
                          "the migration there in one transaction and compares every table's rows before and after. "
                          "Nothing is run on the database itself. Exits 0 when no existing row is lost or changed, "
                          "3 when some are (naming each table), 1 when the migration fails."),
                       args, {QStringLiteral("database"), QStringLiteral("migration")});
        rc >= 0)
        return rc;
    return refusable([&]() -> int {
        Database db(ConnectionSpec::parse(p.value(database)));
        PreflightOptions o;
        o.migrationFile = p.value(migration);
        o.dir = p.value(dir);
        o.envFile = p.value(env);
        CliProgress progress;
        const PreflightResult r = MigrationRehearsal::run(db, o, &progress);
        out() << r.describe() << Qt::endl;
        if (p.isSet(json))
            writeJson(p.value(json), r.toJson());
        if (r.migrationFailed)
            return UserFailure;
        return r.safe() ? Ok : Refused;
    });
}

namespace {

struct SnapshotOptions
{
    QCommandLineOption database = databaseOption();
    QCommandLineOption domain{QStringLiteral("domain"), tr("The school's domain (its Organization row)."), tr("DOMAIN")};
    QCommandLineOption outDir{QStringLiteral("out"),
                              tr("The folder for teachers.csv, classrooms.csv, students.csv and snapshot.json "
                                 "(created readable by you only)."),
                              tr("DIR")};
    QCommandLineOption json{QStringLiteral("json"), tr("Also write what was written (counts, folder) as JSON."),
                            tr("OUT")};
    QCommandLineOption sheetId{QStringLiteral("sheet-id"),
                               tr("Also (or instead of --out) write the roster into the school's Google Sheet, as the "
                                  "tabs \"Roster teachers\", \"Roster classrooms\" and \"Roster students\" (added when "
                                  "missing; a tab of that name the school wrote itself is never overwritten). Asks "
                                  "for the spreadsheets write scope; needs --service-account or --env, and the sheet "
                                  "shared with that account as Editor."),
                               tr("ID_OR_URL")};
    QCommandLineOption serviceAccount{QStringLiteral("service-account"),
                                      tr("The service account's JSON key file, for --sheet-id."), tr("KEY.json")};
    QCommandLineOption env{QStringLiteral("env"),
                           tr("TrackTally's .env file, for --sheet-id: the service account of "
                              "GOOGLE_SERVICE_ACCOUNT_EMAIL and GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY (kept in memory)."),
                           tr("FILE")};
    QCommandLineOption sheetsApiBase{QStringLiteral("sheets-api-base"),
                                     tr("The Google Sheets API address (for tests); default "
                                        "https://sheets.googleapis.com."),
                                     tr("URL")};
    QList<QCommandLineOption> all() const
    {
        return {database, domain, outDir, json, sheetId, serviceAccount, env, sheetsApiBase};
    }
};

// Refuses an --out folder that holds roster files of something else (before the database is read).
void checkSnapshotFolder(const QString &dir)
{
    if (dir.isEmpty() || RosterSnapshot::looksLikeSnapshot(dir))
        return;
    for (const char *f : {"teachers.csv", "classrooms.csv", "students.csv"})
        if (QFileInfo::exists(QDir(dir).filePath(QString::fromLatin1(f))))
            throw UserError(tr("%1 already holds a %2 that is not part of a roster snapshot; choose another "
                               "folder (nothing was written).").arg(dir, QString::fromLatin1(f)));
}

SnapshotSheetResult writeToSheet(const QCommandLineParser &p, const SnapshotOptions &o, const RosterSnapshot &s)
{
    SheetsApiOptions api;
    api.write = true; // the one place that asks for https://www.googleapis.com/auth/spreadsheets
    if (p.isSet(o.sheetsApiBase))
        api.apiBase = p.value(o.sheetsApiBase);
    const QString id = spreadsheetIdFromText(p.value(o.sheetId));
    std::unique_ptr<SheetsApiClient> client;
    if (p.isSet(o.serviceAccount)) {
        client = std::make_unique<SheetsApiClient>(ServiceAccountKey::load(p.value(o.serviceAccount)), api);
    } else {
        const EnvConfig env = EnvConfig::load(p.value(o.env));
        client = std::make_unique<SheetsApiClient>(env.serviceAccountKey(), api);
    }
    CliProgress progress;
    return writeSnapshotToSheet(s, *client, id, &progress);
}

} // namespace

int runSnapshot(const QStringList &args)
{
    QCommandLineParser p;
    const SnapshotOptions o;
    p.addOptions(o.all());
    if (int rc = parse(p, QStringLiteral("snapshot"),
                       tr("Roster snapshot: writes the school's teachers, classrooms (homeroom and specialists) and "
                          "students (guardians and notes) as CSV files in TrackTally's column names (--out), and/or "
                          "as tabs of the school's Google Sheet (--sheet-id). Read-only on the database. "
                          "'reconstruct --snapshot DIR' takes it back as the school's own records."),
                       args, {QStringLiteral("database"), QStringLiteral("domain")});
        rc >= 0)
        return rc;
    if (!p.isSet(o.outDir) && !p.isSet(o.sheetId)) {
        err() << "snapshot: " << tr("give --out DIR, --sheet-id ID, or both.") << Qt::endl;
        return Usage;
    }
    if (p.isSet(o.sheetId) && !p.isSet(o.serviceAccount) && !p.isSet(o.env)) {
        err() << "snapshot: " << tr("--sheet-id goes with --service-account or --env.") << Qt::endl;
        return Usage;
    }
    return refusable([&]() -> int {
        const QString dir = p.value(o.outDir);
        checkSnapshotFolder(dir);
        Database db(ConnectionSpec::parse(p.value(o.database)));
        const RosterSnapshot s = readRosterFromDatabase(db, p.value(o.domain));
        QJsonObject json;
        if (!dir.isEmpty()) {
            s.write(dir);
            out() << describeSnapshotWritten(s, dir) << Qt::endl;
            json = snapshotWrittenJson(s, dir);
        }
        if (p.isSet(o.sheetId)) {
            const SnapshotSheetResult r = writeToSheet(p, o, s);
            out() << r.describe() << Qt::endl;
            json.insert(QStringLiteral("sheet"),
                        QJsonObject{{QStringLiteral("spreadsheetId"), r.spreadsheetId},
                                    {QStringLiteral("tabs"), QJsonArray::fromStringList(snapshotSheetTabs())},
                                    {QStringLiteral("tabsAdded"), QJsonArray::fromStringList(r.tabsAdded)}});
        }
        if (p.isSet(o.json))
            writeJson(p.value(o.json), json);
        return Ok;
    });
}

} // namespace tt::cli
