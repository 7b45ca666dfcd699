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
#include <QRandomGenerator>
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

// Every folder a sandbox creates holds this file with the sandbox's token (also in sandbox.json): stop() and a
// new start() remove a folder only when it holds it, so a folder of the user's is never deleted.
const char *const kMarkerFile = ".tracktally-sandbox";

QString markerPath(const QString &dir)
{
    return QDir(dir).filePath(QString::fromLatin1(kMarkerFile));
}

QString newToken()
{
    QByteArray bytes(16, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    return QString::fromLatin1(bytes.toHex());
}

void writeMarker(const QString &dir, const QString &token)
{
    QFile f(markerPath(dir));
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly)
        || f.write("tracktally-recovery sandbox " + token.toLatin1() + "\n") < 0)
        throw DatabaseError(tr("Cannot mark %1 as the sandbox's folder: %2.").arg(dir, f.errorString()));
}

// The token in dir's marker file; empty when there is none (the folder was not made by a sandbox).
QString markerToken(const QString &dir)
{
    QFile f(markerPath(dir));
    if (!QFileInfo(f.fileName()).isFile() || QFileInfo(f.fileName()).isSymLink() || !f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray line = f.read(256).trimmed();
    const QByteArray prefix = "tracktally-recovery sandbox ";
    return line.startsWith(prefix) ? QString::fromLatin1(line.mid(prefix.size())) : QString();
}

// Removes a folder the sandbox made (its marker holds token); refuses, deleting nothing, otherwise.
void removeSandboxFolder(const QString &dir, const QString &token)
{
    if (dir.isEmpty() || !QFileInfo::exists(dir))
        return;
    if (token.isEmpty() || markerToken(dir) != token)
        throw DatabaseError(tr("%1 was not made by this sandbox (it has no %2 file of it), so it was not deleted. "
                               "Remove it yourself if it is not needed.")
                                .arg(dir, QString::fromLatin1(kMarkerFile)));
    QDir(dir).removeRecursively();
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
    s.m_token = newToken();
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
            parent = s.makeDataParent();
        } else {
            s.m_tmpRoot = makeTempDir(QStringLiteral("ttpg-"));
            writeMarker(s.m_tmpRoot, s.m_token);
            parent = s.m_tmpRoot;
        }
        giveTo(parent, s.m_runAs);
    } else {
        parent = s.makeDataParent();
    }
    s.m_dataDir = parent + QStringLiteral("/data");
    s.m_logFile = parent + QStringLiteral("/server.log");
    s.m_socketDir = makeTempDir(QStringLiteral("tts-"));
    writeMarker(s.m_socketDir, s.m_token);
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
    s.m_token = o.value(u"marker").toString();
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
    o.insert(u"marker", m_token);
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

QString Sandbox::makeDataParent() const
{
    const QString parent = QDir(m_dir).filePath(QStringLiteral("pg"));
    if (QFileInfo::exists(parent) || QFileInfo(parent).isSymLink()) {
        // An earlier sandbox's data, left behind by a crash, is marked; anything else is the user's.
        if (markerToken(parent).isEmpty())
            throw DatabaseError(tr("%1 already exists and was not made by a sandbox (it has no %2 file), so it was "
                                   "not touched. Choose another folder for the sandbox, or move %1 away.")
                                    .arg(parent, QString::fromLatin1(kMarkerFile)));
        QDir(parent).removeRecursively();
    }
    if (!QDir().mkpath(parent))
        throw DatabaseError(tr("Cannot create %1.").arg(parent));
    writeMarker(parent, m_token);
    return parent;
}

void Sandbox::stop()
{
    // Only folders this sandbox made are stopped and deleted: sandbox.json may have been edited or replaced.
    const QString dataParent = m_tmpRoot.isEmpty() ? QFileInfo(m_dataDir).absolutePath() : m_tmpRoot;
    for (const QString &dir : {dataParent, m_socketDir})
        if (!dir.isEmpty() && QFileInfo::exists(dir) && (m_token.isEmpty() || markerToken(dir) != m_token))
            removeSandboxFolder(dir, m_token); // throws, naming the folder
    if (!m_tmpRoot.isEmpty() && QFileInfo(m_dataDir).absolutePath() != m_tmpRoot
        && !QFileInfo(m_dataDir).absolutePath().startsWith(m_tmpRoot + u'/'))
        throw DatabaseError(tr("The sandbox state file %1 is damaged.").arg(stateFile(m_dir)));
    if (QFileInfo::exists(m_dataDir + QStringLiteral("/postmaster.pid"))) {
        try {
            stopServer(false);
        } catch (const DatabaseError &) {
            stopServer(true); // last resort; the data is thrown away anyway
        }
    }
    removeSandboxFolder(dataParent, m_token);
    removeSandboxFolder(m_socketDir, m_token);
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
