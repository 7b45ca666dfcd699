#include "restoredcopy_p.h"

#include "backup.h"
#include "database_p.h"

#include "common/errors.h"
#include "common/progress.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::RestoredCopy", text);
}

Sandbox startIn(const QString &dir)
{
    if (QFileInfo::exists(QDir(dir).filePath(QStringLiteral("sandbox.json"))))
        Sandbox::open(dir).stop(); // left by a run that was killed
    return Sandbox::start(dir);
}

} // namespace

RestoredCopy::RestoredCopy(const QString &dir, const QString &folder)
    : m_sandbox(startIn(QDir(dir).filePath(folder)))
{
}

RestoredCopy::~RestoredCopy()
{
    try {
        m_sandbox.stop();
    } catch (...) {
        // the caller's result matters more; the next run stops a leftover
    }
}

QString RestoredCopy::createDatabase(const QString &name)
{
    try {
        pqxx::connection admin(toStd(m_sandbox.urlFor(QStringLiteral("postgres"))));
        pqxx::nontransaction tx(admin);
        tx.exec("CREATE DATABASE " + tx.quote_name(toStd(name)) + " TEMPLATE template0 ENCODING 'UTF8'");
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot create the database %1 in the sandbox: %2").arg(name, describeDbError(e)));
    }
    return m_sandbox.urlFor(name);
}

void RestoredCopy::createRoles(const QStringList &roles)
{
    try {
        pqxx::connection admin(toStd(m_sandbox.urlFor(QStringLiteral("postgres"))));
        pqxx::nontransaction tx(admin);
        for (const QString &role : roles) {
            if (tx.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", toStd(role)).empty())
                tx.exec("CREATE ROLE " + tx.quote_name(toStd(role)) + " NOLOGIN");
        }
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot create the target's roles in the sandbox: %1").arg(describeDbError(e)));
    }
}

QString RestoredCopy::restore(const QString &file, const QString &url, Progress *progress)
{
    const QString pgRestore = Backup::findTool(QStringLiteral("pg_restore"));
    if (pgRestore.isEmpty())
        throw RefusalError(tr("pg_restore is not installed; the backup cannot be restored."));
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(pgRestore, {QStringLiteral("--no-owner"), QStringLiteral("--no-privileges"), QStringLiteral("--exit-on-error"),
                        QStringLiteral("--single-transaction"), QStringLiteral("--dbname"), url, file});
    if (!p.waitForStarted())
        throw DatabaseError(tr("Cannot run %1: %2").arg(pgRestore, p.errorString()));
    QByteArray output;
    while (!p.waitForFinished(200)) {
        output += p.readAll();
        if (progress && progress->cancelRequested()) {
            p.kill();
            p.waitForFinished();
            throw Cancelled();
        }
    }
    output += p.readAll();
    if (p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
        return {};
    const QString text = redactSecrets(QString::fromLocal8Bit(output).trimmed());
    return text.isEmpty() ? tr("pg_restore failed (exit code %1).").arg(p.exitCode()) : text;
}

QJsonObject identityJson(const QString &name, const QString &host, const QString &port, const QString &systemIdentifier,
                         const QString &serverVersion)
{
    QJsonObject db;
    db.insert(u"name", name);
    db.insert(u"host", host);
    db.insert(u"port", port);
    db.insert(u"systemIdentifier", systemIdentifier);
    db.insert(u"serverVersion", serverVersion);
    return db;
}

} // namespace tt
