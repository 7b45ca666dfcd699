#include "toolconnection.h"

#include "common/errors.h"
#include "common/privatefile.h"

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>

namespace tt {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("tt::ToolConnection", text);
}
const QString kService = QStringLiteral("tracktally_recovery_tool");
} // namespace

ToolConnection::ToolConnection(const ConnectionSpec &spec)
    : m_env(QProcessEnvironment::systemEnvironment())
{
    ConnectionSpec safe = spec.withoutSecrets();
    if (!spec.password().isEmpty())
        m_env.insert(QStringLiteral("PGPASSWORD"), spec.password());
    const QString sslPassword = spec.sslPassword();
    if (!sslPassword.isEmpty()) {
        // libpq reads sslpassword from nowhere but the conninfo or a service file; a service file it is.
        if (safe.has(QStringLiteral("service")))
            throw DatabaseError(tr("A service name and an sslpassword cannot be combined for pg_dump; put the "
                                   "sslpassword into the service's own entry in pg_service.conf."));
        if (sslPassword.contains(u'\n') || sslPassword.contains(u'\r'))
            throw DatabaseError(tr("The sslpassword contains a line break; pg_dump cannot be given it."));
        m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/tt-tool-XXXXXX"));
        if (!m_dir->isValid())
            throw DatabaseError(tr("Cannot create a private folder for pg_dump's credentials: %1")
                                    .arg(m_dir->errorString()));
        QFile::setPermissions(m_dir->path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        const QString file = m_dir->filePath(QStringLiteral("pg_service.conf"));
        try {
            writePrivateFile(file, (u'[' + kService + QStringLiteral("]\nsslpassword=") + sslPassword + u'\n').toUtf8());
        } catch (const UserError &e) {
            throw DatabaseError(e.message());
        }
        m_env.insert(QStringLiteral("PGSERVICEFILE"), file);
        safe.set(QStringLiteral("service"), kService);
    }
    m_env.insert(QStringLiteral("PGCONNECT_TIMEOUT"), QStringLiteral("10"));
    m_dbname = safe.conninfo();
}

ToolConnection::~ToolConnection() = default;

QString ToolConnection::privateDir() const
{
    return m_dir ? m_dir->path() : QString();
}

} // namespace tt
