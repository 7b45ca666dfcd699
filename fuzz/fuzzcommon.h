#pragma once
// Shared by the fuzz targets: a scratch file per process for readers that take a path, and a hard check
// that aborts (a crash libFuzzer records) when an invariant of the code under test does not hold.
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace ttfuzz {

// /dev/shm when there is one (no disk writes per execution), else the temp directory.
inline QString scratchPath(const char *suffix)
{
    const QString dir = QDir(QStringLiteral("/dev/shm")).exists() ? QStringLiteral("/dev/shm") : QDir::tempPath();
    return QStringLiteral("%1/tt-fuzz-%2%3").arg(dir).arg(qint64(getpid())).arg(QString::fromLatin1(suffix));
}

inline void writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(data) != data.size()) {
        std::fprintf(stderr, "fuzz: cannot write %s\n", qPrintable(path));
        std::abort();
    }
}

#define TT_FUZZ_CHECK(cond)                                                                                    \
    do {                                                                                                       \
        if (!(cond)) {                                                                                         \
            std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);                 \
            std::abort();                                                                                      \
        }                                                                                                      \
    } while (0)

} // namespace ttfuzz
