#include "import/filehash.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QFile>

#include <openssl/evp.h>

#include <memory>

namespace tt {

QString sourceSha256(const QString &path, const Progress *progress)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw SourceError(path, QCoreApplication::translate("tt::Project", "Cannot open %1: %2").arg(path, f.errorString()));
    const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        throw SourceError(path, QCoreApplication::translate("tt::Project", "Cannot read %1: %2").arg(path, u"SHA-256 unavailable"_qs));
    // Read in 1 MiB blocks: a small, constant amount of memory whatever the file's size (no mapping, so the
    // hash adds nothing to the import's resident memory).
    constexpr qint64 Block = qint64(1) << 20;
    QByteArray buffer(Block, Qt::Uninitialized);
    for (;;) {
        const qint64 n = f.read(buffer.data(), Block);
        if (n < 0)
            throw SourceError(path, QCoreApplication::translate("tt::Project", "Cannot read %1: %2").arg(path, f.errorString()));
        if (n == 0)
            break;
        EVP_DigestUpdate(ctx.get(), buffer.constData(), size_t(n));
        checkCancel(progress);
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &len);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(digest), int(len)).toHex());
}

} // namespace tt
