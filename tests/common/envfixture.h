#pragma once
// A deployment's .env in TrackTally's layout, generated for a test: every quoting form dotenv knows (unquoted
// with `export` and a trailing comment, single, double and back quotes), comments and blank lines, CRLF line
// ends, and a freshly generated RSA key pasted as TrackTally's README says (one line, literal \n, in quotes).
// No real person's data: every address is generated under example domains.
#include <QByteArray>
#include <QString>
#include <QStringList>

namespace tt::test {

struct RsaKeyPair
{
    QByteArray privatePem; // PKCS#8 "BEGIN PRIVATE KEY", as Google's JSON keys hold it
    QByteArray publicPem;
    static RsaKeyPair generate(int bits = 2048);
};

struct EnvFixture
{
    RsaKeyPair key;
    QString sheetId = QStringLiteral("1tTrAcKtAlLyReCoVeRyTeStShEeT0123456789abcd");
    QString clientEmail = QStringLiteral("tracktally-sheets@tracktally-test.iam.gserviceaccount.com");
    QString domain = QStringLiteral("wattlegrove.example.edu.au");
    QStringList admins{QStringLiteral("principal.one@wattlegrove.example.edu.au"),
                       QStringLiteral("Deputy.Two@wattlegrove.example.edu.au")};
    QStringList superAdmins{QStringLiteral("ops@tracktally.example.com")};
    QString databaseUrl = QStringLiteral(
        "postgresql://tracktally_app:app-Pa55word@ep-quiet-fog-123456-pooler.ap-southeast-2.aws.neon.example/"
        "tracktally_prod?sslmode=require&pgbouncer=true");
    QString directUrl = QStringLiteral("postgresql://tracktally_owner:owner-Pa55word@ep-quiet-fog-123456.ap-southeast-2."
                                       "aws.neon.example/tracktally_prod?sslmode=require");
    bool crlf = true;

    // A fixture with a new key (2048-bit RSA).
    static EnvFixture generate();
    // The file's bytes: TrackTally's layout, the key on one line with literal \n inside double quotes.
    QByteArray text() const;
    // Writes text() to dir/name and returns the path.
    QString write(const QString &dir, const QString &name = QStringLiteral(".env")) const;
    // The key as TrackTally's .env holds it: one line, newlines written as the two characters \ and n.
    QByteArray keyOnOneLine() const;
};

} // namespace tt::test
