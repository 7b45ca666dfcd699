#include "common/privatefile.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <cerrno>
#include <cstring>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <unistd.h>
#endif

namespace tt {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::PrivateFile", text);
}

constexpr QFileDevice::Permissions kOwnerFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOwnerDir = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;

} // namespace

void makePrivateDir(const QString &dir)
{
    const QString path = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    if (QFileInfo(path).isDir())
        return;
    if (QFileInfo::exists(path))
        throw UserError(tr("Cannot create the folder %1: a file of that name is in the way.").arg(path));
    // Create each missing level ourselves, so every folder we make is 0700 (umask plays no part).
    QStringList missing;
    QString p = path;
    while (!p.isEmpty() && !QFileInfo(p).exists()) {
        missing.prepend(p);
        const QString parent = QFileInfo(p).absolutePath();
        if (parent == p)
            break;
        p = parent;
    }
    for (const QString &level : std::as_const(missing)) {
        if (!QDir().mkdir(level, kOwnerDir) && !QFileInfo(level).isDir())
            throw UserError(tr("Cannot create the folder %1. Check that you may write there.").arg(level));
    }
}

PrivateFile::PrivateFile(const QString &path) : m_path(path), m_file(path)
{
    makePrivateDir(QFileInfo(path).absolutePath());
    if (!m_file.open(QIODevice::WriteOnly))
        throw UserError(tr("Cannot write %1: %2.").arg(path, m_file.errorString()));
    // Still empty: from here on only the owner can read what is written.
    m_file.setPermissions(kOwnerFile);
}

void PrivateFile::write(const QByteArray &bytes)
{
    if (m_file.write(bytes) != bytes.size())
        throw UserError(tr("Cannot write %1: %2.").arg(m_path, m_file.errorString()));
}

void PrivateFile::commit()
{
    if (!m_file.commit())
        throw UserError(tr("Cannot write %1: %2.").arg(m_path, m_file.errorString()));
    // QSaveFile keeps an existing file's permissions; a report over an older 0644 one must not stay readable.
    QFile::setPermissions(m_path, kOwnerFile);
}

void createPrivateEmptyFile(const QString &path)
{
    makePrivateDir(QFileInfo(path).absolutePath());
#ifdef Q_OS_UNIX
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        throw UserError(tr("Cannot write %1: %2.").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    ::close(fd);
#else
    QFile f(path);
    if (f.exists() || !f.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        throw UserError(tr("Cannot write %1: %2.").arg(path, f.errorString()));
    f.setPermissions(kOwnerFile);
#endif
}

void writePrivateFile(const QString &path, const QByteArray &bytes)
{
    PrivateFile f(path);
    f.write(bytes);
    f.commit();
}

} // namespace tt
