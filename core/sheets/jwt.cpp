#include "sheets/jwt.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <memory>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace tt::jwt {
namespace {

QString tr(const char *t)
{
    return QCoreApplication::translate("tt::jwt", t);
}

struct BioFree
{
    void operator()(BIO *b) const { BIO_free(b); }
};
struct PkeyFree
{
    void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree
{
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};

QString opensslError()
{
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0)
        return {};
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return QString::fromLatin1(buf);
}

} // namespace

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray fromBase64Url(const QByteArray &text, bool *ok)
{
    auto r = QByteArray::fromBase64Encoding(text, QByteArray::Base64UrlEncoding |
                                                      QByteArray::AbortOnBase64DecodingErrors);
    if (ok)
        *ok = bool(r);
    return r ? *r : QByteArray();
}

QByteArray signRs256(const QByteArray &input, const QByteArray &privateKeyPem)
{
    ERR_clear_error();
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(privateKeyPem.constData(), int(privateKeyPem.size())));
    if (!bio)
        throw UserError(tr("Out of memory while reading the private key."));
    // A null password callback argument with an empty passphrase: an encrypted key fails instead of
    // prompting.
    std::unique_ptr<EVP_PKEY, PkeyFree> key(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char *>("")));
    if (!key)
        throw UserError(
            tr("The private key in the service-account key file cannot be read (%1). Download a new "
               "JSON key for the service account from the Google Cloud console.")
                .arg(opensslError()));
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
        throw UserError(
            tr("The private key in the service-account key file is not an RSA key; Google service "
               "accounts use RSA keys. Download a new JSON key."));
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char *>(input.constData()),
                       size_t(input.size())) != 1)
        throw UserError(tr("Signing the sign-in request failed (%1).").arg(opensslError()));
    QByteArray sig(qsizetype(len), Qt::Uninitialized);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(sig.data()), &len,
                       reinterpret_cast<const unsigned char *>(input.constData()), size_t(input.size())) != 1)
        throw UserError(tr("Signing the sign-in request failed (%1).").arg(opensslError()));
    sig.resize(qsizetype(len));
    return sig;
}

QByteArray makeRs256(const nlohmann::json &claims, const QByteArray &privateKeyPem, const QString &keyId)
{
    nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
    if (!keyId.isEmpty())
        header["kid"] = keyId.toStdString();
    const std::string h = header.dump(), c = claims.dump();
    const QByteArray signingInput = base64Url(QByteArray(h.data(), qsizetype(h.size()))) + '.' +
                                    base64Url(QByteArray(c.data(), qsizetype(c.size())));
    return signingInput + '.' + base64Url(signRs256(signingInput, privateKeyPem));
}

} // namespace tt::jwt
