#include "envfixture.h"

#include <QFile>
#include <QDir>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdexcept>

namespace tt::test {
namespace {

QByteArray bioText(BIO *bio)
{
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(n));
}

} // namespace

RsaKeyPair RsaKeyPair::generate(int bits)
{
    EVP_PKEY *k = EVP_RSA_gen(unsigned(bits));
    if (!k)
        throw std::runtime_error("RSA key generation failed");
    RsaKeyPair pair;
    BIO *priv = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(priv, k, nullptr, nullptr, 0, nullptr, nullptr);
    pair.privatePem = bioText(priv);
    BIO_free(priv);
    BIO *pub = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(pub, k);
    pair.publicPem = bioText(pub);
    BIO_free(pub);
    EVP_PKEY_free(k);
    return pair;
}

EnvFixture EnvFixture::generate()
{
    EnvFixture f;
    f.key = RsaKeyPair::generate();
    return f;
}

QByteArray EnvFixture::keyOnOneLine() const
{
    QByteArray k = key.privatePem;
    return k.replace("\n", "\\n");
}

QByteArray EnvFixture::text() const
{
    QByteArray t;
    auto line = [&](const QByteArray &l) { t += l + (crlf ? "\r\n" : "\n"); };
    line("# TrackTally: environment for the school's deployment (generated for a test; no real people)");
    line("NODE_ENV=production");
    line("");
    line("# Google Sheets: every log is appended to this sheet");
    line("export SHEET_ID=" + sheetId.toUtf8() + "   # the id from the sheet's address");
    line("GOOGLE_SERVICE_ACCOUNT_EMAIL='" + clientEmail.toUtf8() + "'");
    line("GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY=\"" + keyOnOneLine() + "\"");
    line("");
    line("# Sign-in");
    line("ALLOWED_GOOGLE_DOMAIN=`" + domain.toUtf8() + "`");
    line("ADMIN_EMAILS=\"" + admins.join(QStringLiteral(", ")).toUtf8() + "\"");
    line("SUPER_ADMIN_EMAILS=" + superAdmins.join(u',').toUtf8());
    line("NEXTAUTH_SECRET='not-a-real-secret-but-treated-as-one'");
    line("");
    line("# Database (Prisma): the app's pooled URL, and the owner's direct URL for migrations");
    if (!databaseUrl.isEmpty())
        line("DATABASE_URL=\"" + databaseUrl.toUtf8() + "\"");
    if (!directUrl.isEmpty())
        line("export DIRECT_DATABASE_URL='" + directUrl.toUtf8() + "'");
    return t;
}

QString EnvFixture::write(const QString &dir, const QString &name) const
{
    const QString path = QDir(dir).filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(text()) < 0)
        throw std::runtime_error("cannot write the .env fixture");
    return path;
}

} // namespace tt::test
