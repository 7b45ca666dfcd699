// ConnectionSpec: URL, conninfo and service parsing (by libpq), Prisma options, pooler detection, secrets
// never shown or passed on a command line, safe defaults (TLS), .env check.
#include "common/errors.h"
#include "database/connectionspec.h"
#include "database/cuid.h"
#include "database/toolconnection.h"

#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QTest>
#include <algorithm>

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
    void conninfoRoundTrip_data();
    void conninfoRoundTrip();
    void redactSecrets_data();
    void redactSecrets();
    void secretNeverInError_data();
    void secretNeverInError();
    void prisma_data();
    void prisma();
    void pooler_data();
    void pooler();
    void tlsDefault_data();
    void tlsDefault();
    void toolConnection_data();
    void toolConnection();
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
    QTest::newRow("question-mark-in-password") << u"postgresql://u:pa?ss99@host/db"_s << u"host"_s << QString()
                                               << u"db"_s << u"u"_s << u"pa?ss99"_s << QString() << QString();
    QTest::newRow("slash-written-as-%2F") << u"postgresql://admin:s3cr%2Fet@db.example/tt"_s << u"db.example"_s
                                          << QString() << u"tt"_s << u"admin"_s << u"s3cr/et"_s << QString()
                                          << QString();
    QTest::newRow("prisma-pooled") << u"postgresql://app:pw1@ep-x-pooler.neon.tech/tracktally_prod?sslmode=require&pgbouncer=true"_s
                                   << u"ep-x-pooler.neon.tech"_s << QString() << u"tracktally_prod"_s << u"app"_s
                                   << u"pw1"_s << u"require"_s << QString();
    QTest::newRow("multi-host") << u"postgresql://h1:5432,h2:5433/d?target_session_attrs=read-write"_s
                                << u"h1,h2"_s << u"5432,5433"_s << u"d"_s << QString() << QString() << QString()
                                << QString();
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
    QTest::newRow("unknown-url-option") << u"postgresql://h/d?bogus=1"_s;
    QTest::newRow("unknown-keyword") << u"host=h bogus=1"_s;
    // Found by fuzz/fuzz_connection: libpq reads a C string, so a NUL cut the text short, and a %00 in Prisma's
    // schema= made a conninfo that libpq could not read back.
    QTest::newRow("fuzz: NUL in a URL") << (u"postgres://u"_s + QChar(0) + u"@localhost/db"_s);
    QTest::newRow("fuzz: NUL in conninfo") << (u"host=h"_s + QChar(0) + u" dbname=x"_s);
    QTest::newRow("fuzz: NUL at the end") << (u"tracktally"_s + QChar(0));
    QTest::newRow("fuzz: %00 in Prisma schema") << u"postgres://u@localhost/db?schema=a%00b"_s;
}

void tst_ConnectionSpec::invalid()
{
    QFETCH(QString, input);
    QVERIFY_THROWS_EXCEPTION(DatabaseError, ConnectionSpec::parse(input));
}

// What conninfo() hands libpq means what the user wrote: parsed again, the same keywords and values
// (the invariant fuzz/fuzz_connection checks on every input).
void tst_ConnectionSpec::conninfoRoundTrip_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("prisma schema with quote, backslash, space") << uR"(postgresql://u@h/d?schema=My%20"odd"%5Cschema)"_s;
    QTest::newRow("password with quotes and backslashes") << uR"(host=h dbname=d password='it\'s a \\ pass')"_s;
    QTest::newRow("options and schema together") << u"postgresql://u@h/d?options=-c%20work_mem%3D4MB&schema=s"_s;
    QTest::newRow("several hosts, percent-encoded user") << u"postgresql://us%40er@h1:5432,h2:6543/d"_s;
    QTest::newRow("non-ascii database") << u"postgresql://u@h/%C3%A9cole"_s;
}

void tst_ConnectionSpec::conninfoRoundTrip()
{
    QFETCH(QString, input);
    const ConnectionSpec spec = ConnectionSpec::parse(input);
    auto a = spec.parameters(), b = ConnectionSpec::parse(spec.conninfo()).parameters();
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    QCOMPARE(b, a);
}

void tst_ConnectionSpec::redactSecrets_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("secret");
    QTest::newRow("url") << u"could not connect to postgresql://app:hunter2@h/db"_s << u"hunter2"_s;
    QTest::newRow("conninfo") << u"host=h password=hunter2 dbname=x"_s << u"hunter2"_s;
    QTest::newRow("conninfo-quoted") << u"host=h password='hun ter2' dbname=x"_s << u"hun ter2"_s;
    QTest::newRow("query-param") << u"postgresql://h/db?password=hunter2&sslmode=require"_s << u"hunter2"_s;
    QTest::newRow("sslpassword-query") << u"postgresql://h/db?sslpassword=hunter2&sslmode=require"_s << u"hunter2"_s;
    QTest::newRow("sslpassword-conninfo") << u"host=h sslpassword=hunter2 dbname=x"_s << u"hunter2"_s;
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

// A URL or conninfo that cannot be read: the message says why and never holds any piece of the password.
void tst_ConnectionSpec::secretNeverInError_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("slash-in-password") << u"postgresql://admin:s3cr/et@db.example/tracktally"_s << u"s3cr/et"_s
                                       << u"%2F"_s;
    QTest::newRow("slash-then-question") << u"postgresql://admin:9s3cr/e?t@db.example/tracktally"_s
                                         << u"9s3cr/e?t"_s << u"%2F"_s;
    QTest::newRow("bad-percent-token") << u"postgresql://admin:hun%zzter2@db.example/tt"_s << u"hun%zzter2"_s
                                       << u"percent"_s;
    QTest::newRow("nul-in-password") << u"postgresql://admin:hun%00ter2@db.example/tt"_s << u"hun%00ter2"_s
                                     << u"%00"_s;
    QTest::newRow("unclosed-ipv6") << u"postgresql://admin:hunter22x@[::1/tt"_s << u"hunter22x"_s << u"]"_s;
    QTest::newRow("conninfo-space-in-password") << u"host=h password=Qx9 Zk7w dbname=d"_s << u"Qx9 Zk7w"_s
                                                << u"="_s;
    QTest::newRow("conninfo-unterminated") << u"host=h password='Zq7x9Kw"_s << u"Zq7x9Kw"_s << u"unterminated"_s;
    QTest::newRow("sslpassword-query") << u"postgresql://h/d?sslpassword=k3y-pass&bogus"_s << u"k3y-pass"_s
                                       << u"bogus"_s;
}

void tst_ConnectionSpec::secretNeverInError()
{
    QFETCH(QString, input);
    QFETCH(QString, password);
    QFETCH(QString, mentions);
    QString message;
    try {
        ConnectionSpec::parse(input);
        QFAIL("parse() accepted it");
    } catch (const DatabaseError &e) {
        message = e.message();
    }
    QVERIFY2(message.contains(mentions), qPrintable(message));
    for (qsizetype i = 0; i + 4 <= password.size(); ++i) {
        const QString piece = password.mid(i, 4);
        if (piece.contains(u'%'))
            continue; // "%2F" / "%00" are named in hints on purpose
        QVERIFY2(!message.contains(piece), qPrintable(u"\""_s + piece + u"\" in: "_s + message));
    }
}

void tst_ConnectionSpec::prisma_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("options");
    QTest::addColumn<int>("notes");
    QTest::addColumn<QString>("sslmode");
    QTest::newRow("env-example-pooled")
        << u"postgresql://app:pw@ep-x-pooler.ap-southeast-2.aws.neon.tech/tracktally_prod?sslmode=require&pgbouncer=true"_s
        << QString() << 1 << u"require"_s;
    QTest::newRow("schema-public") << u"postgresql://owner:pw@ep-x.neon.tech/tt?schema=public&sslmode=require"_s
                                   << u"-csearch_path=public"_s << 1 << u"require"_s;
    QTest::newRow("schema-mixed-case")
        << u"postgresql://o@h/tt?schema=School%20Data"_s << u"-csearch_path=\"School\\ Data\""_s << 1 << QString();
    QTest::newRow("schema-with-options")
        << u"postgresql://o@h/tt?options=-cwork_mem%3D64MB&schema=tt"_s << u"-cwork_mem=64MB -csearch_path=tt"_s << 1
        << QString();
    QTest::newRow("all-pool-options")
        << u"postgresql://o@h/tt?connection_limit=5&pool_timeout=10&socket_timeout=5&statement_cache_size=0&connect_timeout=7"_s
        << QString() << 4 << QString();
    QTest::newRow("no-prisma") << u"postgresql://o@h/tt?sslmode=verify-full"_s << QString() << 0 << u"verify-full"_s;
}

void tst_ConnectionSpec::prisma()
{
    QFETCH(QString, input);
    QFETCH(int, notes);
    const ConnectionSpec spec = ConnectionSpec::parse(input);
    QTEST(spec.value(u"options"_s), "options");
    QTEST(spec.value(u"sslmode"_s), "sslmode");
    QCOMPARE(spec.notes().size(), notes);
    for (const auto &p : spec.parameters()) {
        QVERIFY2(p.first != u"pgbouncer"_s && p.first != u"schema"_s && p.first != u"connection_limit"_s, qPrintable(p.first));
    }
    for (const QString &note : spec.notes())
        QVERIFY2(!note.contains(u"pw"_s), qPrintable(note));
}

void tst_ConnectionSpec::pooler_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("pooled");
    QTest::newRow("neon-pooler-host") << u"postgresql://app@ep-x-pooler.ap-southeast-2.aws.neon.tech/tt"_s << true;
    QTest::newRow("pgbouncer-true") << u"postgresql://app@db.example/tt?pgbouncer=true"_s << true;
    QTest::newRow("pgbouncer-false") << u"postgresql://app@db.example/tt?pgbouncer=false"_s << false;
    QTest::newRow("supabase-6543") << u"host=aws-0.pooler.supabase.com port=6543 dbname=postgres"_s << true;
    QTest::newRow("neon-direct") << u"postgresql://owner@ep-x.ap-southeast-2.aws.neon.tech/tt?sslmode=require"_s << false;
    QTest::newRow("local-socket") << u"host=/tmp/s dbname=d"_s << false;
}

void tst_ConnectionSpec::pooler()
{
    QFETCH(QString, input);
    QFETCH(bool, pooled);
    QCOMPARE(!ConnectionSpec::parse(input).poolerReason().isEmpty(), pooled);
}

void tst_ConnectionSpec::tlsDefault_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("sslmode");
    QTest::newRow("remote-gets-require") << u"postgresql://o@db.example/tt"_s << u"require"_s;
    QTest::newRow("remote-choice-kept") << u"postgresql://o@db.example/tt?sslmode=verify-full"_s << u"verify-full"_s;
    QTest::newRow("remote-disable-kept") << u"host=10.1.2.3 sslmode=disable"_s << u"disable"_s;
    QTest::newRow("one-remote-of-two") << u"host=localhost,db.example dbname=d"_s << u"require"_s;
    QTest::newRow("localhost") << u"postgresql://o@localhost/tt"_s << QString();
    QTest::newRow("loopback-v4") << u"host=127.0.0.1 port=5433"_s << QString();
    QTest::newRow("loopback-v6") << u"postgresql://[::1]:5433/tt"_s << QString();
    QTest::newRow("socket") << u"host=/run/postgresql dbname=d"_s << QString();
    QTest::newRow("service-decides") << u"service=school"_s << QString();
}

void tst_ConnectionSpec::tlsDefault()
{
    QFETCH(QString, input);
    qunsetenv("PGSSLMODE");
    qunsetenv("PGHOST");
    QTEST(ConnectionSpec::parse(input).withSafeDefaults().value(u"sslmode"_s), "sslmode");
}

// pg_dump/pg_restore/psql: no secret on the command line; the password in the child's environment, the
// sslpassword in a 0600 service file in a 0700 folder that is gone afterwards.
void tst_ConnectionSpec::toolConnection_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("sslPassword");
    QTest::newRow("url-password") << u"postgresql://app:Pw-s3cret@db.example/tt"_s << u"Pw-s3cret"_s << QString();
    QTest::newRow("both-secrets") << u"host=db.example password='Pw s3cret' sslpassword=Key-s3cret sslkey=/k.pem"_s
                                  << u"Pw s3cret"_s << u"Key-s3cret"_s;
    QTest::newRow("none") << u"host=/tmp/s dbname=d"_s << QString() << QString();
}

void tst_ConnectionSpec::toolConnection()
{
    QFETCH(QString, input);
    QFETCH(QString, password);
    QFETCH(QString, sslPassword);
    qunsetenv("PGPASSWORD");
    QString dir;
    {
        const ToolConnection tool(ConnectionSpec::parse(input));
        for (const QString &secret : {password, sslPassword})
            if (!secret.isEmpty())
                QVERIFY2(!tool.dbname().contains(secret), qPrintable(tool.dbname()));
        QCOMPARE(tool.environment().value(u"PGPASSWORD"_s), password);
        dir = tool.privateDir();
        QCOMPARE(dir.isEmpty(), sslPassword.isEmpty());
        if (!sslPassword.isEmpty()) {
            const QString file = tool.environment().value(u"PGSERVICEFILE"_s);
            QVERIFY(file.startsWith(dir));
            const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
                | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
            QCOMPARE(QFileInfo(dir).permissions() & others, QFileDevice::Permissions());
            QCOMPARE(QFileInfo(file).permissions() & others, QFileDevice::Permissions());
            QVERIFY(QFileInfo(dir).permissions() & QFileDevice::ExeOwner);
            QFile f(file);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(f.readAll().contains(sslPassword.toUtf8()));
            QVERIFY(tool.dbname().contains(u"service="_s));
        }
    }
    if (!dir.isEmpty())
        QVERIFY(!QFileInfo::exists(dir));
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
