#include "backup.h"

#include "database_p.h"
#include "sandbox.h"
#include "toolconnection.h"

#include "common/errors.h"
#include "common/privatefile.h"
#include "common/progress.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#include <sys/stat.h>

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::Backup", text);
}

QString runTool(const QString &exe, const QStringList &args, const QProcessEnvironment &env, Progress *progress,
                bool *ok)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setChildProcessModifier([] { ::umask(077); }); // whatever the tool creates is the owner's only
    p.start(exe, args);
    if (!p.waitForStarted())
        throw DatabaseError(tr("Cannot run %1: %2").arg(exe, p.errorString()));
    QByteArray out;
    for (;;) {
        if (progress && progress->cancelRequested()) { // before each wait: a cancel always stops the tool
            p.kill();
            p.waitForFinished();
            throw Cancelled();
        }
        if (p.waitForFinished(200))
            break;
        out += p.readAllStandardOutput();
    }
    out += p.readAllStandardOutput();
    const QByteArray err = p.readAllStandardError();
    *ok = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    return *ok ? QString::fromLocal8Bit(out) : redactSecrets(QString::fromLocal8Bit(err).trimmed());
}

// Removes a file when it goes out of scope (an exception, a cancel), unless it was renamed away.
struct RemoveUnlessKept
{
    QString path;
    ~RemoveUnlessKept() { QFile::remove(path); }
};

} // namespace

QString Backup::findTool(const QString &name)
{
    const QString bin = Sandbox::findPostgresBinDir();
    if (!bin.isEmpty() && QFileInfo::exists(bin + u'/' + name))
        return bin + u'/' + name;
    return QStandardPaths::findExecutable(name);
}

QString Backup::checkDumpHeader(const QString &toc, const QString &database, const QString &serverVersion,
                                BackupResult *result)
{
    // ";     dbname: tracktally_prod" and ";     Dumped from database version: 15.18 (Debian …)"
    static const QRegularExpression dbname(QStringLiteral(R"(^;\s+dbname: (.*)$)"), QRegularExpression::MultilineOption);
    static const QRegularExpression from(QStringLiteral(R"(^;\s+Dumped from database version: (.*)$)"),
                                         QRegularExpression::MultilineOption);
    const QRegularExpressionMatch d = dbname.match(toc), v = from.match(toc);
    result->dumpedDatabase = d.hasMatch() ? d.captured(1).trimmed() : QString();
    result->dumpedServerVersion = v.hasMatch() ? v.captured(1).trimmed() : QString();
    QStringList problems;
    if (!d.hasMatch() || !v.hasMatch())
        problems << tr("its header does not name the database and server it was taken from");
    if (d.hasMatch() && result->dumpedDatabase != database)
        problems << tr("it holds the database \"%1\", not \"%2\"").arg(result->dumpedDatabase, database);
    if (v.hasMatch() && result->dumpedServerVersion != serverVersion)
        problems << tr("it was dumped from a server of version %1, but this one is %2")
                        .arg(result->dumpedServerVersion, serverVersion);
    return problems.join(QStringLiteral("; "));
}

BackupResult Backup::run(Database &db, const QString &dirIn, Progress *progress, const QString &snapshot)
{
    db.refuseIfPooled(tr("back up"));
    const QString pgDump = findTool(QStringLiteral("pg_dump"));
    const QString pgRestore = findTool(QStringLiteral("pg_restore"));
    if (pgDump.isEmpty() || pgRestore.isEmpty())
        throw RefusalError(tr("pg_dump and pg_restore are not installed; no backup can be taken, so nothing will be written."));

    QDir dir(dirIn);
    if (dirIn.isEmpty())
        throw RefusalError(tr("Cannot create the backup folder \"%1\".").arg(dirIn));
    try {
        makePrivateDir(dir.absolutePath()); // folders it creates are 0700
    } catch (const UserError &e) {
        throw RefusalError(tr("Cannot create the backup folder \"%1\": %2").arg(dirIn, e.message()));
    }

    BackupResult result;
    int serverVersionNum = 0;
    QString serverVersion;
    try {
        pqxx::nontransaction tx(*db.d()->conn);
        const pqxx::row r = tx.exec1("SELECT current_database(), current_setting('server_version_num')::int, "
                                     "current_setting('server_version')");
        ++db.d()->statements;
        result.database = fromField(r[0]);
        serverVersionNum = r[1].as<int>();
        serverVersion = fromField(r[2]);
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot read the database name for the backup: %1").arg(describeDbError(e)));
    }

    const ToolConnection tool(db.spec());
    const QProcessEnvironment &env = tool.environment();
    bool ok = false;
    const QString versionText = runTool(pgDump, {QStringLiteral("--version")}, env, nullptr, &ok);
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral(R"((\d+)(?:\.(\d+))?)")).match(versionText);
    if (!ok || !m.hasMatch())
        throw RefusalError(tr("Cannot tell which version pg_dump (%1) is.").arg(pgDump));
    result.pgDumpVersion = m.captured(0);
    const int dumpMajor = m.captured(1).toInt();
    const int serverMajor = serverVersionNum >= 100000 ? serverVersionNum / 10000 : serverVersionNum / 100;
    if (dumpMajor < serverMajor)
        throw RefusalError(tr("pg_dump %1 is older than the database server (version %2); it cannot take a "
                              "reliable backup. Install PostgreSQL %2's client tools.")
                               .arg(result.pgDumpVersion)
                               .arg(serverMajor));

    QString safeName = result.database;
    safeName.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]")), QStringLiteral("_"));
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmsszzz'Z'"));

    if (progress)
        progress->begin(tr("Backing up %1").arg(result.database), 0);
    // The dump of every school's data is readable by its owner only: pg_dump writes into a file created 0600
    // (and runs with umask 077), under a ".partial" name until it has been verified; a failed or cancelled dump
    // leaves nothing behind. Two backups started in the same millisecond (two applies racing, one of which the
    // lock will refuse) each claim a name of their own: "-2", "-3"... after the time.
    QString partial;
    for (int n = 1;; ++n) {
        if (n > 1000)
            throw DatabaseError(tr("No free name for the backup in %1.").arg(dir.absolutePath()));
        const QString suffix = n == 1 ? QString() : QStringLiteral("-%1").arg(n);
        result.file = dir.absoluteFilePath(QStringLiteral("%1_%2%3.dump").arg(safeName, stamp, suffix));
        partial = result.file + QStringLiteral(".partial");
        if (QFileInfo::exists(result.file) || QFileInfo::exists(partial))
            continue;
        try {
            createPrivateEmptyFile(partial);
            break;
        } catch (const UserError &) {
            if (!QFileInfo::exists(partial)) // not taken by another backup: a real error
                throw;
        }
    }
    const RemoveUnlessKept cleanup{partial};
    // zlib level 1: a 262,144-incident database dumps in 1.6 s instead of 3.4 s at the default level (6), the file
    // 22% larger (18.8 MB instead of 15.3 MB); the backup is part of every apply's time.
    QStringList dumpArgs{QStringLiteral("--format=custom"), QStringLiteral("--compress=1"), QStringLiteral("--no-password"),
                         QStringLiteral("--file"), partial, QStringLiteral("--dbname"), tool.dbname()};
    if (!snapshot.isEmpty()) // the database as another connection's open transaction sees it
        dumpArgs << QStringLiteral("--snapshot=") + snapshot;
    const QString out = runTool(pgDump, dumpArgs, env, progress, &ok);
    if (!ok)
        throw DatabaseError(tr("The backup with pg_dump failed: %1").arg(out));
    if (!QFile::rename(partial, result.file))
        throw DatabaseError(tr("The backup could not be saved as %1.").arg(result.file));

    const QString toc = runTool(pgRestore, {QStringLiteral("--list"), result.file}, env, progress, &ok);
    if (!ok) {
        QFile::remove(result.file);
        throw DatabaseError(tr("The backup %1 could not be read back by pg_restore: %2").arg(result.file, toc));
    }
    if (const QString problem = checkDumpHeader(toc, result.database, serverVersion, &result); !problem.isEmpty()) {
        QFile::remove(result.file);
        throw DatabaseError(tr("The backup %1 was discarded: %2").arg(result.file, problem));
    }
    QStringList missing;
    for (const RequiredTable &t : requiredSchema()) {
        const QString name = QString::fromLatin1(t.name);
        // TOC lines: "215; 1259 16390 TABLE public Incident tracktally" and "… TABLE DATA public Incident …"
        const QRegularExpression table(QStringLiteral(R"(\bTABLE \S+ "?%1"? )").arg(QRegularExpression::escape(name)));
        const QRegularExpression data(QStringLiteral(R"(\bTABLE DATA \S+ "?%1"? )").arg(QRegularExpression::escape(name)));
        if (table.match(toc).hasMatch() && data.match(toc).hasMatch())
            result.tables << name;
        else
            missing << name;
    }
    if (!missing.isEmpty()) {
        QFile::remove(result.file);
        throw DatabaseError(tr("The backup of %1 does not contain the tables %2; it was discarded.")
                                .arg(result.database, missing.join(QStringLiteral(", "))));
    }
    result.bytes = QFileInfo(result.file).size();
    result.verified = true;
    return result;
}

} // namespace tt
