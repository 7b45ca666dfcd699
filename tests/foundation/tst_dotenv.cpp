// DotEnv: TrackTally's .env read as dotenv (+ dotenv-expand) reads it, with every problem named by line.
#include "common/dotenv.h"
#include "common/errors.h"

#include <QTemporaryDir>
#include <QtTest>

using tt::DotEnv;
using namespace Qt::StringLiterals;

class tst_DotEnv : public QObject
{
    Q_OBJECT

private slots:
    void values_data();
    void values();
    void problems_data();
    void problems();
    void crlfAndMultiline();
    void lastAssignmentWinsAndKeysInOrder();
    void redaction_data();
    void redaction();
    void emailList_data();
    void emailList();
    void loadErrors();
};

void tst_DotEnv::values_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("expected");

    QTest::newRow("plain") << QByteArray("SHEET_ID=1AbC_d-9\n") << u"SHEET_ID"_s << u"1AbC_d-9"_s;
    QTest::newRow("spaces around =") << QByteArray("  KEY =  value  \n") << u"KEY"_s << u"value"_s;
    QTest::newRow("export prefix") << QByteArray("export ALLOWED_GOOGLE_DOMAIN=school.example.edu\n")
                                   << u"ALLOWED_GOOGLE_DOMAIN"_s << u"school.example.edu"_s;
    QTest::newRow("colon form") << QByteArray("KEY: value\n") << u"KEY"_s << u"value"_s;
    QTest::newRow("empty") << QByteArray("KEY=\n") << u"KEY"_s << u""_s;
    QTest::newRow("inline comment") << QByteArray("KEY=value # the value\n") << u"KEY"_s << u"value"_s;
    QTest::newRow("hash cuts unquoted") << QByteArray("KEY=a#b\n") << u"KEY"_s << u"a"_s;
    QTest::newRow("double quoted keeps hash") << QByteArray("KEY=\"a # b\" # comment\n") << u"KEY"_s << u"a # b"_s;
    QTest::newRow("single quoted") << QByteArray("KEY='p@ss word'\n") << u"KEY"_s << u"p@ss word"_s;
    QTest::newRow("back quoted") << QByteArray("KEY=`it's \"both\"`\n") << u"KEY"_s << u"it's \"both\""_s;
    QTest::newRow("double quotes turn \\n into newlines")
        << QByteArray("KEY=\"-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n\"\n") << u"KEY"_s
        << u"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"_s;
    QTest::newRow("single quotes keep \\n literal") << QByteArray("KEY='a\\nb'\n") << u"KEY"_s << u"a\\nb"_s;
    QTest::newRow("unquoted keeps \\n literal") << QByteArray("KEY=a\\nb\n") << u"KEY"_s << u"a\\nb"_s;
    QTest::newRow("escaped quote") << QByteArray("KEY=\"say \\\"hi\\\"\"\n") << u"KEY"_s << u"say \"hi\""_s;
    QTest::newRow("url with query") << QByteArray("DATABASE_URL=postgresql://app:pw@h-pooler.neon.tech/db?sslmode=require&pgbouncer=true\n")
                                    << u"DATABASE_URL"_s
                                    << u"postgresql://app:pw@h-pooler.neon.tech/db?sslmode=require&pgbouncer=true"_s;
    QTest::newRow("expansion braces") << QByteArray("HOST=h.neon.tech\nURL=postgresql://u@${HOST}/db\n") << u"URL"_s
                                      << u"postgresql://u@h.neon.tech/db"_s;
    QTest::newRow("expansion bare") << QByteArray("A=x\nB=\"$A-y\"\n") << u"B"_s << u"x-y"_s;
    QTest::newRow("expansion default") << QByteArray("B=${NOT_SET_ANYWHERE_TT:-fallback}\n") << u"B"_s << u"fallback"_s;
    QTest::newRow("no expansion in single quotes") << QByteArray("A=x\nB='$A'\n") << u"B"_s << u"$A"_s;
    QTest::newRow("escaped dollar") << QByteArray("B=\"pa\\$s\"\n") << u"B"_s << u"pa$s"_s;
    QTest::newRow("utf-8 bom") << QByteArray("\xEF\xBB\xBFKEY=v\n") << u"KEY"_s << u"v"_s;
    QTest::newRow("no final newline") << QByteArray("KEY=v") << u"KEY"_s << u"v"_s;
    QTest::newRow("dotted key") << QByteArray("a.b-c=v\n") << u"a.b-c"_s << u"v"_s;
    QTest::newRow("absent") << QByteArray("KEY=v\n") << u"OTHER"_s << u""_s;
}

void tst_DotEnv::values()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, key);
    QFETCH(QString, expected);
    const DotEnv env = DotEnv::parse(text, QStringLiteral(".env"));
    QCOMPARE(env.value(key), expected);
    QVERIFY2(env.problems().isEmpty(), qPrintable(env.problems().isEmpty() ? QString() : env.problems().first().message));
}

void tst_DotEnv::problems_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("fragment");
    QTest::addColumn<QStringList>("keysKept");

    QTest::newRow("no equals") << QByteArray("A=1\nSHEET_ID\nB=2\n") << 2
                               << u"line 2: SHEET_ID has no '=' (expected SHEET_ID=value)"_s << QStringList{u"A"_s, u"B"_s};
    QTest::newRow("not a variable") << QByteArray("A=1\n\n=oops\n") << 3 << u"line 3: this line is not a variable"_s
                                    << QStringList{u"A"_s};
    QTest::newRow("unclosed double quote")
        << QByteArray("A=1\nDATABASE_URL=\"postgresql://u@h/db\nB=2\n") << 2
        << u"line 2: the value of DATABASE_URL opens a double quote that is never closed"_s << QStringList{u"A"_s, u"B"_s};
    QTest::newRow("unclosed single quote") << QByteArray("KEY='abc\nB=2\n") << 1
                                           << u"opens a single quote that is never closed"_s << QStringList{u"B"_s};
    QTest::newRow("text after quote") << QByteArray("KEY=\"abc\" def\n") << 1 << u"text after the closing quote of KEY"_s
                                      << QStringList{u"KEY"_s};
    QTest::newRow("set twice") << QByteArray("KEY=a\n# c\nKEY=b\n") << 3
                               << u"line 3: KEY is set again (first on line 1)"_s << QStringList{u"KEY"_s};
    QTest::newRow("unknown reference") << QByteArray("URL=postgresql://${TT_SURELY_UNSET_HOST}/db\n") << 1
                                       << u"URL refers to ${TT_SURELY_UNSET_HOST}"_s << QStringList{u"URL"_s};
}

void tst_DotEnv::problems()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(QString, fragment);
    QFETCH(QStringList, keysKept);
    const DotEnv env = DotEnv::parse(text, QStringLiteral("/srv/tt/.env"));
    QCOMPARE(env.problems().size(), 1);
    QCOMPARE(env.problems().first().line, line);
    QVERIFY2(env.problems().first().message.contains(fragment), qPrintable(env.problems().first().message));
    QVERIFY(env.problems().first().message.startsWith(u"/srv/tt/.env, line "));
    QCOMPARE(env.keys(), keysKept);
}

void tst_DotEnv::crlfAndMultiline()
{
    const QByteArray text = "# TrackTally\r\n"
                            "SHEET_ID=abc\r\n"
                            "GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\r\n"
                            "MIIEv\r\n"
                            "-----END PRIVATE KEY-----\"\r\n"
                            "ADMIN_EMAILS=\"a@x.org,b@x.org\"\r\n"
                            "\r\n"     // blank lines, CRLF: not a problem
                            "  \t\r\n"
                            "NODE_ENV=production\r\n";
    const DotEnv env = DotEnv::parse(text, QStringLiteral(".env"));
    QVERIFY2(env.problems().isEmpty(), qPrintable(env.problems().value(0).message));
    QCOMPARE(env.line(QStringLiteral("NODE_ENV")), 9);
    QCOMPARE(env.value(QStringLiteral("SHEET_ID")), QStringLiteral("abc"));
    QCOMPARE(env.value(QStringLiteral("GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY")),
             QStringLiteral("-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----"));
    QCOMPARE(env.line(QStringLiteral("ADMIN_EMAILS")), 6);
    QCOMPARE(env.value(QStringLiteral("ADMIN_EMAILS")), QStringLiteral("a@x.org,b@x.org"));
}

void tst_DotEnv::lastAssignmentWinsAndKeysInOrder()
{
    const DotEnv env = DotEnv::parse("B=1\nA=2\nB=3\n", QStringLiteral(".env"));
    QCOMPARE(env.value(QStringLiteral("B")), QStringLiteral("3"));
    QCOMPARE(env.line(QStringLiteral("B")), 3);
    QCOMPARE(env.keys(), (QStringList{u"B"_s, u"A"_s}));
    QCOMPARE(env.where(QStringLiteral("A")), QStringLiteral("A (line 2)"));
}

void tst_DotEnv::redaction_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("expected");
    QTest::newRow("url password") << QByteArray("DATABASE_URL=postgresql://app:s3cr%2Fet@h.neon.tech/db?sslmode=require\n")
                                  << u"DATABASE_URL"_s << u"postgresql://app:***@h.neon.tech/db?sslmode=require"_s;
    QTest::newRow("url without password") << QByteArray("U=postgresql://app@h/db\n") << u"U"_s << u"postgresql://app@h/db"_s;
    QTest::newRow("conninfo password") << QByteArray("U=\"host=h password=pw dbname=d\"\n") << u"U"_s
                                       << u"host=h password=*** dbname=d"_s;
    QTest::newRow("private key") << QByteArray("GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\\nX\"\n")
                                 << u"GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY"_s << u"***"_s;
    QTest::newRow("secret key name") << QByteArray("NEXTAUTH_SECRET=abc\n") << u"NEXTAUTH_SECRET"_s << u"***"_s;
    QTest::newRow("plain value") << QByteArray("SHEET_ID=abc\n") << u"SHEET_ID"_s << u"abc"_s;
}

void tst_DotEnv::redaction()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, key);
    QFETCH(QString, expected);
    QCOMPARE(DotEnv::parse(text, QStringLiteral(".env")).redacted(key), expected);
}

void tst_DotEnv::emailList_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("commas") << u"a@x.org,b@x.org"_s << QStringList{u"a@x.org"_s, u"b@x.org"_s};
    QTest::newRow("spaces and case") << u" A@X.org , b@x.org ;c@x.org "_s << QStringList{u"a@x.org"_s, u"b@x.org"_s, u"c@x.org"_s};
    QTest::newRow("empty items") << u",a@x.org,,"_s << QStringList{u"a@x.org"_s};
    QTest::newRow("repeated") << u"a@x.org,A@x.org"_s << QStringList{u"a@x.org"_s};
    QTest::newRow("empty") << u""_s << QStringList{};
}

void tst_DotEnv::emailList()
{
    QFETCH(QString, value);
    QFETCH(QStringList, expected);
    QCOMPARE(DotEnv::emailList(value), expected);
}

void tst_DotEnv::loadErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath(QStringLiteral("nope.env"));
    try {
        DotEnv::load(missing);
        QFAIL("no error for a missing file");
    } catch (const tt::UserError &e) {
        QVERIFY2(e.message().contains(missing), qPrintable(e.message()));
    }
    const QString binary = dir.filePath(QStringLiteral("binary.env"));
    QFile f(binary);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray("A=1\0B=2", 7));
    f.close();
    QVERIFY_THROWS_EXCEPTION(tt::UserError, DotEnv::load(binary));
    const QString good = dir.filePath(QStringLiteral("good.env"));
    QFile g(good);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write("A=1\n");
    g.close();
    const DotEnv env = DotEnv::load(good);
    QCOMPARE(env.path(), good);
    QCOMPARE(env.value(QStringLiteral("A")), QStringLiteral("1"));
}

QTEST_GUILESS_MAIN(tst_DotEnv)
#include "tst_dotenv.moc"
