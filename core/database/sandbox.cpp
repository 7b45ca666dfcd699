#include "sandbox.h"

#include "database_p.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QVersionNumber>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#ifndef TT_RESOURCES_DIR
#define TT_RESOURCES_DIR ""
#endif

namespace tt {

namespace {

const char *const kDatabase = "tracktally_sandbox";
const char *const kUser = "tracktally";

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::Sandbox", text);
}

QString stateFile(const QString &dir)
{
    return QDir(dir).filePath(QStringLiteral("sandbox.json"));
}

bool runningAsRoot()
{
#ifdef Q_OS_UNIX
    return ::geteuid() == 0;
#else
    return false;
#endif
}

void giveTo(const QString &path, const QString &user)
{
#ifdef Q_OS_UNIX
    if (user.isEmpty())
        return;
    const struct passwd *pw = ::getpwnam(user.toLocal8Bit().constData());
    if (!pw)
        throw DatabaseError(tr("The system user \"%1\" does not exist; PostgreSQL cannot run as root.").arg(user));
    if (::chown(QFile::encodeName(path).constData(), pw->pw_uid, pw->pw_gid) != 0)
        throw DatabaseError(tr("Cannot hand %1 to the user %2.").arg(path, user));
#else
    Q_UNUSED(path) Q_UNUSED(user)
#endif
}

QString makeTempDir(const QString &prefix)
{
#ifdef Q_OS_UNIX
    QByteArray templ = QFile::encodeName(QStringLiteral("/tmp/") + prefix + QStringLiteral("XXXXXX"));
    if (!::mkdtemp(templ.data()))
        throw DatabaseError(tr("Cannot create a temporary folder in /tmp."));
    return QFile::decodeName(templ);
#else
    Q_UNUSED(prefix)
    throw DatabaseError(tr("The sandbox needs a Unix system."));
#endif
}

} // namespace

QString Sandbox::findPostgresBinDir()
{
    QVersionNumber best;
    QString bestDir;
    const QDir root(QStringLiteral("/usr/lib/postgresql"));
    for (const QString &v : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString bin = root.filePath(v + QStringLiteral("/bin"));
        const QVersionNumber n = QVersionNumber::fromString(v);
        if (QFileInfo::exists(bin + QStringLiteral("/pg_ctl")) && (bestDir.isEmpty() || n > best)) {
            best = n;
            bestDir = bin;
        }
    }
    if (!bestDir.isEmpty())
        return bestDir;
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("pg_ctl"));
    return onPath.isEmpty() ? QString() : QFileInfo(onPath).absolutePath();
}

QString Sandbox::defaultSchemaFile()
{
    const QStringList candidates = {
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/tracktally-recovery/schema/tracktally.sql"),
        QString::fromUtf8(TT_RESOURCES_DIR) + QStringLiteral("/schema/tracktally.sql"),
    };
    for (const QString &c : candidates)
        if (QFileInfo::exists(c))
            return QFileInfo(c).absoluteFilePath();
    return {};
}

QString Sandbox::runServerTool(const QString &tool, const QStringList &args, int timeoutMs) const
{
    QProcess p;
    p.setWorkingDirectory(QStringLiteral("/tmp"));
    p.setProcessChannelMode(QProcess::MergedChannels);
    const QString exe = QDir(m_binDir).filePath(tool);
    if (m_runAs.isEmpty())
        p.start(exe, args);
    else
        p.start(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), m_runAs, QStringLiteral("--"), exe} + args);
    if (!p.waitForStarted())
        throw DatabaseError(tr("Cannot run %1: %2").arg(tool, p.errorString()));
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        throw DatabaseError(tr("%1 did not finish in time.").arg(tool));
    }
    const QString out = QString::fromLocal8Bit(p.readAll());
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        throw DatabaseError(tr("%1 failed: %2").arg(tool, out.trimmed()));
    return out;
}

Sandbox Sandbox::start(const QString &dirIn, const SandboxOptions &options)
{
    Sandbox s;
    s.m_dir = QDir(dirIn).absolutePath();
    s.m_logStatements = options.logStatements;
    if (!QDir().mkpath(s.m_dir))
        throw DatabaseError(tr("Cannot create the sandbox folder %1.").arg(s.m_dir));
    if (QFileInfo::exists(stateFile(s.m_dir)))
        throw DatabaseError(tr("A sandbox is already set up in %1; stop it first.").arg(s.m_dir));
    s.m_binDir = findPostgresBinDir();
    if (s.m_binDir.isEmpty())
        throw DatabaseError(tr("PostgreSQL's server programs (initdb, pg_ctl) are not installed."));
    const QString schemaFile = options.schemaFile.isEmpty() ? defaultSchemaFile() : options.schemaFile;
    QFile schema(schemaFile);
    if (schemaFile.isEmpty() || !schema.open(QIODevice::ReadOnly))
        throw DatabaseError(tr("Cannot read TrackTally's schema file %1.").arg(schemaFile));
    const QByteArray schemaSql = schema.readAll();

    QString parent;
    if (runningAsRoot()) {
        s.m_runAs = QStringLiteral("postgres");
        const int reachable = QProcess::execute(
            QStringLiteral("runuser"),
            {QStringLiteral("-u"), s.m_runAs, QStringLiteral("--"), QStringLiteral("test"), QStringLiteral("-x"), s.m_dir});
        if (reachable == 0) {
            parent = QDir(s.m_dir).filePath(QStringLiteral("pg"));
            QDir(parent).removeRecursively();
            if (!QDir().mkpath(parent))
                throw DatabaseError(tr("Cannot create %1.").arg(parent));
        } else {
            s.m_tmpRoot = makeTempDir(QStringLiteral("ttpg-"));
            parent = s.m_tmpRoot;
        }
        giveTo(parent, s.m_runAs);
    } else {
        parent = QDir(s.m_dir).filePath(QStringLiteral("pg"));
        QDir(parent).removeRecursively();
        if (!QDir().mkpath(parent))
            throw DatabaseError(tr("Cannot create %1.").arg(parent));
    }
    s.m_dataDir = parent + QStringLiteral("/data");
    s.m_logFile = parent + QStringLiteral("/server.log");
    s.m_socketDir = makeTempDir(QStringLiteral("tts-"));
    giveTo(s.m_socketDir, s.m_runAs);
    s.save(); // from here on, stop() can clean up

    try {
        s.runServerTool(QStringLiteral("initdb"),
                        {QStringLiteral("-D"), s.m_dataDir, QStringLiteral("-U"), QString::fromLatin1(kUser),
                         QStringLiteral("--auth=trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                         QStringLiteral("--locale=C"), QStringLiteral("--no-sync")});
        QFile conf(s.m_dataDir + QStringLiteral("/postgresql.conf"));
        if (!conf.open(QIODevice::Append | QIODevice::Text))
            throw DatabaseError(tr("Cannot configure the sandbox server (%1).").arg(conf.fileName()));
        QString extra = QStringLiteral("\n# tracktally-recovery sandbox\nlisten_addresses = ''\n"
                                       "unix_socket_directories = '%1'\nport = %2\ntimezone = 'UTC'\n"
                                       "fsync = off\nmax_connections = 40\n")
                            .arg(s.m_socketDir)
                            .arg(s.m_port);
        if (s.m_logStatements)
            extra += QStringLiteral("log_statement = 'all'\nlog_line_prefix = '%m [%p] '\n");
        conf.write(extra.toUtf8());
        conf.close();
        s.startServer();
        {
            pqxx::connection admin(toStd(QStringLiteral("host='%1' port=%2 user=%3 dbname=postgres")
                                             .arg(s.m_socketDir)
                                             .arg(s.m_port)
                                             .arg(QString::fromLatin1(kUser))));
            pqxx::nontransaction tx(admin);
            tx.exec(std::string("CREATE DATABASE ") + kDatabase);
        }
        pqxx::connection db(toStd(QStringLiteral("host='%1' port=%2 user=%3 dbname=%4")
                                      .arg(s.m_socketDir)
                                      .arg(s.m_port)
                                      .arg(QString::fromLatin1(kUser), QString::fromLatin1(kDatabase))));
        pqxx::work tx(db);
        tx.exec(schemaSql.toStdString());
        tx.commit();
    } catch (const DatabaseError &) {
        s.stop();
        throw;
    } catch (const std::exception &e) {
        s.stop();
        throw DatabaseError(tr("Cannot set up the sandbox: %1").arg(describeDbError(e)));
    }
    return s;
}

Sandbox Sandbox::open(const QString &dirIn)
{
    const QString dir = QDir(dirIn).absolutePath();
    QFile f(stateFile(dir));
    if (!f.open(QIODevice::ReadOnly))
        throw DatabaseError(tr("There is no sandbox in %1.").arg(dir));
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    Sandbox s;
    s.m_dir = dir;
    s.m_dataDir = o.value(u"dataDir").toString();
    s.m_socketDir = o.value(u"socketDir").toString();
    s.m_tmpRoot = o.value(u"tmpRoot").toString();
    s.m_logFile = o.value(u"logFile").toString();
    s.m_binDir = o.value(u"binDir").toString();
    s.m_runAs = o.value(u"runAs").toString();
    s.m_logStatements = o.value(u"logStatements").toBool();
    s.m_port = o.value(u"port").toInt(5432);
    if (s.m_dataDir.isEmpty() || s.m_socketDir.isEmpty())
        throw DatabaseError(tr("The sandbox state file %1 is damaged.").arg(f.fileName()));
    return s;
}

void Sandbox::save() const
{
    QJsonObject o;
    o.insert(u"url", url());
    o.insert(u"dataDir", m_dataDir);
    o.insert(u"socketDir", m_socketDir);
    o.insert(u"tmpRoot", m_tmpRoot);
    o.insert(u"logFile", m_logFile);
    o.insert(u"binDir", m_binDir);
    o.insert(u"runAs", m_runAs);
    o.insert(u"logStatements", m_logStatements);
    o.insert(u"port", m_port);
    QFile f(stateFile(m_dir));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw DatabaseError(tr("Cannot write %1.").arg(f.fileName()));
    f.write(QJsonDocument(o).toJson());
}

void Sandbox::startServer()
{
    runServerTool(QStringLiteral("pg_ctl"), {QStringLiteral("-D"), m_dataDir, QStringLiteral("-l"), m_logFile,
                                             QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"),
                                             QStringLiteral("start")});
}

void Sandbox::stopServer(bool immediate)
{
    runServerTool(QStringLiteral("pg_ctl"),
                  {QStringLiteral("-D"), m_dataDir, QStringLiteral("-m"),
                   immediate ? QStringLiteral("immediate") : QStringLiteral("fast"), QStringLiteral("-w"),
                   QStringLiteral("stop")});
}

void Sandbox::stop()
{
    if (QFileInfo::exists(m_dataDir + QStringLiteral("/postmaster.pid"))) {
        try {
            stopServer(false);
        } catch (const DatabaseError &) {
            stopServer(true); // last resort; the data is thrown away anyway
        }
    }
    if (!m_tmpRoot.isEmpty())
        QDir(m_tmpRoot).removeRecursively();
    else if (!m_dataDir.isEmpty())
        QDir(QFileInfo(m_dataDir).absolutePath()).removeRecursively();
    if (!m_socketDir.isEmpty())
        QDir(m_socketDir).removeRecursively();
    QFile::remove(stateFile(m_dir));
}

QString Sandbox::url() const
{
    return urlFor(QString::fromLatin1(kDatabase));
}

QString Sandbox::urlFor(const QString &database) const
{
    return QStringLiteral("postgresql://%1@/%2?host=%3&port=%4")
        .arg(QString::fromLatin1(kUser), database, m_socketDir)
        .arg(m_port);
}

} // namespace tt
