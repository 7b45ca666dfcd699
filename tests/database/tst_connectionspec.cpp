// ConnectionSpec: URL, conninfo and service parsing, password redaction, safe defaults, .env check.
#include "common/errors.h"
#include "database/connectionspec.h"
#include "database/cuid.h"

#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

namespace tt::test {

class tst_ConnectionSpec : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void invalid_data();
    void invalid();
    void redactSecrets_data();
    void redactSecrets();
    void safeDefaults_data();
    void safeDefaults();
    void envFile_data();
    void envFile();
    void cuid_data();
    void cuid();
};

void tst_ConnectionSpec::parse_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("port");
    QTest::addColumn<QString>("dbname");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("sslmode");
    QTest::addColumn<QString>("service");

    QTest::newRow("neon-url") << u"postgresql://app:p%40ss@ep-x.aws.neon.tech/tracktally_prod?sslmode=require"_s
                              << u"ep-x.aws.neon.tech"_s << QString() << u"tracktally_prod"_s << u"app"_s
                              << u"p@ss"_s << u"require"_s << QString();
    QTest::newRow("postgres-scheme-port") << u"postgres://u@db.local:6543/x"_s << u"db.local"_s << u"6543"_s
                                          << u"x"_s << u"u"_s << QString() << QString() << QString();
    QTest::newRow("socket-in-query") << u"postgresql://tracktally@/tracktally_sandbox?host=/tmp/tts-ab12&port=5432"_s
                                     << u"/tmp/tts-ab12"_s << u"5432"_s << u"tracktally_sandbox"_s << u"tracktally"_s
                                     << QString() << QString() << QString();
    QTest::newRow("ipv6-host") << u"postgresql://[::1]:5433/db"_s << u"::1"_s << u"5433"_s << u"db"_s << QString()
                               << QString() << QString() << QString();
    QTest::newRow("conninfo-quoted") << u"host=db.example port=5432 dbname='my db' password='it\\'s' sslmode=verify-full"_s
                                     << u"db.example"_s << u"5432"_s << u"my db"_s << QString() << u"it's"_s
                                     << u"verify-full"_s << QString();
    QTest::newRow("conninfo-spaces-around-equals") << u"host = h  dbname = d"_s << u"h"_s << QString() << u"d"_s
                                                   << QString() << QString() << QString() << QString();
    QTest::newRow("service-name") << u"tracktally_prod"_s << QString() << QString() << QString() << QString()
                                  << QString() << QString() << u"tracktally_prod"_s;
    QTest::newRow("service-keyword") << u"service=school dbname=other"_s << QString() << QString() << u"other"_s
                                     << QString() << QString() << QString() << u"school"_s;
}

void tst_ConnectionSpec::parse()
{
    QFETCH(QString, input);
    const ConnectionSpec spec = ConnectionSpec::parse(input);
    QTEST(spec.host(), "host");
    QTEST(spec.value(u"port"_s), "port");
    QTEST(spec.database(), "dbname");
    QTEST(spec.value(u"user"_s), "user");
    QTEST(spec.password(), "password");
    QTEST(spec.value(u"sslmode"_s), "sslmode");
    QTEST(spec.value(u"service"_s), "service");
    // Round trip through the keyword/value form keeps every value.
    const ConnectionSpec again = ConnectionSpec::parse(spec.conninfo());
    QCOMPARE(again.parameters(), spec.parameters());
}

void tst_ConnectionSpec::invalid_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("empty") << u"   "_s;
    QTest::newRow("key-without-value") << u"host=h dbname"_s;
    QTest::newRow("unclosed-quote") << u"host='h"_s;
    QTest::newRow("not-a-service") << u"my database!"_s;
    QTest::newRow("url-param-without-value") << u"postgresql://h/d?sslmode"_s;
}

void tst_ConnectionSpec::invalid()
{
    QFETCH(QString, input);
    QVERIFY_THROWS_EXCEPTION(DatabaseError, ConnectionSpec::parse(input));
}

void tst_ConnectionSpec::redactSecrets_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("secret");
    QTest::newRow("url") << u"could not connect to postgresql://app:hunter2@h/db"_s << u"hunter2"_s;
    QTest::newRow("conninfo") << u"host=h password=hunter2 dbname=x"_s << u"hunter2"_s;
    QTest::newRow("conninfo-quoted") << u"host=h password='hun ter2' dbname=x"_s << u"hun ter2"_s;
    QTest::newRow("query-param") << u"postgresql://h/db?password=hunter2&sslmode=require"_s << u"hunter2"_s;
}

void tst_ConnectionSpec::redactSecrets()
{
    QFETCH(QString, input);
    QFETCH(QString, secret);
    const QString out = tt::redactSecrets(input);
    QVERIFY2(!out.contains(secret), qPrintable(out));
    QVERIFY(out.contains(u"***"_s));
    // The spec's own printable form never holds the password either.
    if (input.contains(u"postgresql://"_s) || input.startsWith(u"host"_s)) {
        const QString from = input.mid(input.indexOf(u"postgresql://"_s) >= 0 ? input.indexOf(u"postgresql://"_s) : 0);
        QVERIFY(!ConnectionSpec::parse(from).redacted().contains(secret));
        QVERIFY(!ConnectionSpec::parse(from).conninfoWithoutPassword().contains(secret));
    }
}

void tst_ConnectionSpec::safeDefaults_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("connectTimeout");
    QTest::addColumn<QString>("keepalives");
    QTest::newRow("tcp-gets-keepalives") << u"postgresql://h/db"_s << u"10"_s << u"1"_s;
    QTest::newRow("user-timeout-kept") << u"host=h connect_timeout=3"_s << u"3"_s << u"1"_s;
    QTest::newRow("socket-no-keepalives") << u"host=/tmp/s dbname=d"_s << u"10"_s << QString();
}

void tst_ConnectionSpec::safeDefaults()
{
    QFETCH(QString, input);
    const ConnectionSpec s = ConnectionSpec::parse(input).withSafeDefaults();
    QTEST(s.value(u"connect_timeout"_s), "connectTimeout");
    QTEST(s.value(u"keepalives"_s), "keepalives");
    QCOMPARE(s.value(u"application_name"_s), u"tracktally-recovery"_s);
}

void tst_ConnectionSpec::envFile_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("differ");
    QTest::newRow("stage-vs-prod") << u"env-stage-vs-prod.env"_s << true;
    QTest::newRow("pooler-same-database") << u"env-pooler-same-database.env"_s << false;
}

void tst_ConnectionSpec::envFile()
{
    QFETCH(QString, file);
    QFETCH(bool, differ);
    const QString path = qEnvironmentVariable("TT_SOURCE_DIR", QStringLiteral(TT_SOURCE_DIR_BUILD))
        + u"/tests/data/database/"_s + file;
    const EnvFileCheck check = checkEnvFile(path);
    QVERIFY(check.bothPresent);
    QCOMPARE(check.differ, differ);
    QCOMPARE(check.warning.isEmpty(), !differ);
    for (const QString &shown : {check.databaseUrl, check.directDatabaseUrl, check.warning}) {
        QVERIFY2(!shown.contains(u"s3cr3t"_s) && !shown.contains(u"pw1"_s), qPrintable(shown));
    }
    if (differ) {
        QVERIFY(check.warning.contains(u"tracktally_stage"_s));
        QVERIFY(check.warning.contains(u"tracktally_prod"_s));
    }
}

void tst_ConnectionSpec::cuid_data()
{
    QTest::addColumn<int>("count");
    QTest::newRow("one") << 1;
    QTest::newRow("many") << 20000;
}

void tst_ConnectionSpec::cuid()
{
    QFETCH(int, count);
    QSet<QString> seen;
    for (int i = 0; i < count; ++i) {
        const QString id = newCuid();
        QVERIFY2(isCuid(id), qPrintable(id));
        QCOMPARE(id.size(), 25);
        seen.insert(id);
    }
    QCOMPARE(seen.size(), count);
    QVERIFY(!isCuid(u"C0000000000000000000000000"_s.left(25)));
    QVERIFY(!isCuid(u"c00000000000000000000000"_s)); // 24 characters
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_ConnectionSpec)
#include "tst_connectionspec.moc"
