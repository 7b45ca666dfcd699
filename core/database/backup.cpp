#include "backup.h"

#include "database_p.h"
#include "sandbox.h"

#include "common/errors.h"
#include "common/progress.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::Backup", text);
}

QProcessEnvironment childEnvironment(const ConnectionSpec &spec)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!spec.password().isEmpty())
        env.insert(QStringLiteral("PGPASSWORD"), spec.password());
    env.insert(QStringLiteral("PGCONNECT_TIMEOUT"), QStringLiteral("10"));
    return env;
}

QString runTool(const QString &exe, const QStringList &args, const QProcessEnvironment &env, Progress *progress,
                bool *ok)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(exe, args);
    if (!p.waitForStarted())
        throw DatabaseError(tr("Cannot run %1: %2").arg(exe, p.errorString()));
    QByteArray out;
    while (!p.waitForFinished(200)) {
        out += p.readAllStandardOutput();
        if (progress && progress->cancelRequested()) {
            p.kill();
            p.waitForFinished();
            throw Cancelled();
        }
    }
    out += p.readAllStandardOutput();
    const QByteArray err = p.readAllStandardError();
    *ok = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    return *ok ? QString::fromLocal8Bit(out) : redactSecrets(QString::fromLocal8Bit(err).trimmed());
}

} // namespace

QString Backup::findTool(const QString &name)
{
    const QString bin = Sandbox::findPostgresBinDir();
    if (!bin.isEmpty() && QFileInfo::exists(bin + u'/' + name))
        return bin + u'/' + name;
    return QStandardPaths::findExecutable(name);
}

BackupResult Backup::run(Database &db, const QString &dirIn, Progress *progress, const QString &snapshot)
{
    const QString pgDump = findTool(QStringLiteral("pg_dump"));
    const QString pgRestore = findTool(QStringLiteral("pg_restore"));
    if (pgDump.isEmpty() || pgRestore.isEmpty())
        throw RefusalError(tr("pg_dump and pg_restore are not installed; no backup can be taken, so nothing will be written."));

    QDir dir(dirIn);
    if (dirIn.isEmpty() || !QDir().mkpath(dir.absolutePath()))
        throw RefusalError(tr("Cannot create the backup folder \"%1\".").arg(dirIn));

    BackupResult result;
    int serverVersionNum = 0;
    try {
        pqxx::nontransaction tx(*db.d()->conn);
        const pqxx::row r = tx.exec1("SELECT current_database(), current_setting('server_version_num')::int");
        ++db.d()->statements;
        result.database = fromField(r[0]);
        serverVersionNum = r[1].as<int>();
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot read the database name for the backup: %1").arg(describeDbError(e)));
    }

    const QProcessEnvironment env = childEnvironment(db.spec());
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
    result.file = dir.absoluteFilePath(QStringLiteral("%1_%2.dump").arg(safeName, stamp));

    if (progress)
        progress->begin(tr("Backing up %1").arg(result.database), 0);
    QStringList dumpArgs{QStringLiteral("--format=custom"), QStringLiteral("--no-password"), QStringLiteral("--file"),
                         result.file, QStringLiteral("--dbname"), db.spec().conninfoWithoutPassword()};
    if (!snapshot.isEmpty())
        dumpArgs << QStringLiteral("--snapshot=") + snapshot;
    {
        // 0600 before pg_dump writes a byte into it (it keeps an existing file's mode).
        QFile f(result.file);
        if (!f.open(QIODevice::WriteOnly) || !f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            throw RefusalError(tr("Cannot create the backup file \"%1\": %2").arg(result.file, f.errorString()));
    }
    const QString out = runTool(pgDump, dumpArgs, env, progress, &ok);
    if (!ok) {
        QFile::remove(result.file);
        throw DatabaseError(tr("The backup with pg_dump failed: %1").arg(out));
    }

    const QString toc = runTool(pgRestore, {QStringLiteral("--list"), result.file}, env, progress, &ok);
    if (!ok) {
        QFile::remove(result.file);
        throw DatabaseError(tr("The backup %1 could not be read back by pg_restore: %2").arg(result.file, toc));
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
