// EnvConfig: TrackTally's .env as the recovery's configuration. The fixture is generated in TrackTally's layout
// (every quoting form, export, comments, CRLF, a fresh RSA key pasted with literal \n); every variable that
// cannot be used has its own message naming the file, the line and the variable, and never a secret.
#include "common/dotenv.h"
#include "envfixture.h"
#include "project/project.h"
#include "session/envconfig.h"
#include "sheets/jwt.h"

#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace tt::test;
using namespace Qt::StringLiterals;

namespace {

EnvConfig parse(const QByteArray &text)
{
    return EnvConfig::fromDotEnv(DotEnv::parse(text, u"/srv/tracktally/.env"_s));
}

} // namespace

class tst_EnvConfig : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void trackTallyLayout_data();
    void trackTallyLayout();
    void keyQuotingForms_data();
    void keyQuotingForms();
    void malformedVariables_data();
    void malformedVariables();
    void target_data();
    void target();
    void summaryHidesSecrets();
    void domainWarnings_data();
    void domainWarnings();
    void projectKeepsThePathOnly();
    void tokenUriOverrideOnlyForLoopback_data();
    void tokenUriOverrideOnlyForLoopback();

private:
    EnvFixture m_fixture;
    QTemporaryDir m_dir;
};

void tst_EnvConfig::initTestCase()
{
    m_fixture = EnvFixture::generate();
    QVERIFY(m_dir.isValid());
}

void tst_EnvConfig::trackTallyLayout_data()
{
    QTest::addColumn<bool>("crlf");
    QTest::newRow("CRLF line ends") << true;
    QTest::newRow("LF line ends") << false;
}

void tst_EnvConfig::trackTallyLayout()
{
    QFETCH(bool, crlf);
    EnvFixture f = m_fixture;
    f.crlf = crlf;
    const EnvConfig c = EnvConfig::load(f.write(m_dir.path(), crlf ? u"crlf.env"_s : u"lf.env"_s));
    QVERIFY2(c.problems().isEmpty(), qPrintable(c.problemMessages().join(u'\n')));
    QCOMPARE(c.sheetId().text, f.sheetId);
    QCOMPARE(c.sheetId().variable, u"SHEET_ID"_s);
    QCOMPARE(c.sheetId().line, 5);
    QCOMPARE(c.clientEmail().text, f.clientEmail);
    QCOMPARE(c.privateKeyPem(), f.key.privatePem.trimmed());
    QVERIFY(c.privateKeyVariable().text.isEmpty()); // the secret is held once, in privateKeyPem()
    QCOMPARE(c.privateKeyVariable().line, 7);
    QCOMPARE(c.domain().text, f.domain);
    QCOMPARE(c.domain().variable, u"ALLOWED_GOOGLE_DOMAIN"_s);
    const AccountLists l = c.accountLists();
    QCOMPARE(l.adminEmails, (QStringList{u"principal.one@wattlegrove.example.edu.au"_s,
                                         u"deputy.two@wattlegrove.example.edu.au"_s}));
    QCOMPARE(l.superAdminEmails, QStringList{u"ops@tracktally.example.com"_s});
    QCOMPARE(l.source, c.path());
    QCOMPARE(c.databaseUrl().text, f.databaseUrl);
    QCOMPARE(c.directDatabaseUrl().text, f.directUrl);
    QVERIFY(c.canReadSheet());
    QVERIFY(c.sheetProblem().isEmpty());
    const ServiceAccountKey key = c.serviceAccountKey();
    QCOMPARE(key.clientEmail, f.clientEmail);
    QCOMPARE(key.tokenUri, u"https://oauth2.googleapis.com/token"_s);
    // The key signs: a JWT made with it carries a 256-byte RS256 signature.
    const QByteArray jwt = jwt::makeRs256({{"iss", "x"}}, key.privateKeyPem);
    QCOMPARE(jwt.count('.'), 2);
}

void tst_EnvConfig::keyQuotingForms_data()
{
    QTest::addColumn<QByteArray>("assignment");
    const QByteArray oneLine = m_fixture.keyOnOneLine();
    QByteArray multiLine = m_fixture.key.privatePem;
    QTest::newRow("double quotes, literal \\n") << QByteArray("K=\"" + oneLine + "\"");
    QTest::newRow("single quotes, literal \\n stays literal in dotenv") << QByteArray("K='" + oneLine + "'");
    QTest::newRow("unquoted, literal \\n") << QByteArray("K=" + oneLine);
    QTest::newRow("double quotes over several lines") << QByteArray("K=\"" + multiLine + "\"");
    QTest::newRow("export, double quotes, CRLF") << QByteArray("export K=\"" + oneLine + "\"\r\n");
}

void tst_EnvConfig::keyQuotingForms()
{
    QFETCH(QByteArray, assignment);
    assignment.replace("K=", "GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY=");
    const EnvConfig c = parse(assignment + "\nSHEET_ID=" + m_fixture.sheetId.toUtf8()
                              + "\nGOOGLE_SERVICE_ACCOUNT_EMAIL=svc@p.iam.gserviceaccount.com\n");
    QVERIFY2(c.problems().isEmpty(), qPrintable(c.problemMessages().join(u'\n')));
    QCOMPARE(c.privateKeyPem(), m_fixture.key.privatePem.trimmed());
    QVERIFY(c.canReadSheet());
}

void tst_EnvConfig::malformedVariables_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("message");
    const QByteArray head = "# comment\n\n"; // the variable is on line 3
    QTest::newRow("line that is not a variable") << head + "this is not a variable\n" << 3 << QString()
                                                 << u"line 3"_s;
    QTest::newRow("quote never closed") << head + "SHEET_ID=\"1abc\n" << 3 << QString() << u"line 3"_s;
    QTest::newRow("sheet id not an id") << head + "SHEET_ID=my sheet\n" << 3 << u"SHEET_ID"_s
                                        << u"SHEET_ID is neither a Google Sheets id nor a link"_s;
    QTest::newRow("sheet id empty") << head + "SHEET_ID=\n" << 3 << u"SHEET_ID"_s << u"SHEET_ID is empty"_s;
    QTest::newRow("service account not an address")
        << head + "GOOGLE_SERVICE_ACCOUNT_EMAIL=tracktally-sheets\n" << 3 << u"GOOGLE_SERVICE_ACCOUNT_EMAIL"_s
        << u"GOOGLE_SERVICE_ACCOUNT_EMAIL is not an e-mail address"_s;
    QTest::newRow("key not PEM") << head + "GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY=\"MIIEvQIBADANBgkq\"\n" << 3
                                 << u"GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY"_s
                                 << u"GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY does not hold a PEM private key"_s;
    QTest::newRow("key cut short")
        << head + "GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
                  "\\n-----END PRIVATE KEY-----\\n\"\n"
        << 3 << u"GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY"_s
        << u"GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY cannot be read as an RSA private key"_s;
    QTest::newRow("key empty") << head + "GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY=''\n" << 3
                               << u"GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY"_s
                               << u"GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY is empty"_s;
    QTest::newRow("domain with a space") << head + "ALLOWED_GOOGLE_DOMAIN=\"school example.edu\"\n" << 3
                                         << u"ALLOWED_GOOGLE_DOMAIN"_s
                                         << u"ALLOWED_GOOGLE_DOMAIN names more than one domain"_s;
    QTest::newRow("domain not a domain") << head + "ALLOWED_GOOGLE_DOMAIN=localhost\n" << 3
                                         << u"ALLOWED_GOOGLE_DOMAIN"_s
                                         << u"ALLOWED_GOOGLE_DOMAIN is not a domain name: 'localhost'"_s;
    QTest::newRow("admin list with a name") << head + "ADMIN_EMAILS=a.b@school.example.edu, Jo Citizen\n" << 3
                                            << u"ADMIN_EMAILS"_s
                                            << u"ADMIN_EMAILS holds 2 items that are not e-mail addresses: jo, citizen"_s;
    QTest::newRow("super admin list with a bare name") << head + "SUPER_ADMIN_EMAILS=ops\n" << 3
                                                       << u"SUPER_ADMIN_EMAILS"_s
                                                       << u"SUPER_ADMIN_EMAILS holds an item that is not an e-mail address: ops"_s;
    QTest::newRow("database url of another kind") << head + "DATABASE_URL=mysql://u:p@h/db\n" << 3
                                                  << u"DATABASE_URL"_s
                                                  << u"DATABASE_URL is not a PostgreSQL connection URL"_s;
    QTest::newRow("direct url empty") << head + "DIRECT_DATABASE_URL=\"\"\n" << 3 << u"DIRECT_DATABASE_URL"_s
                                      << u"DIRECT_DATABASE_URL is empty"_s;
    QTest::newRow("key given twice") << head + "SHEET_ID=1tTrAcKtAlLyReCoVeRyTeStShEeT0123456789abcd\nSHEET_ID=1tTrAcKtAlLyReCoVeRyTeStShEeT0123456789abcd\n"
                                     << 4 << QString() << u"line 4: SHEET_ID is set again"_s;
}

void tst_EnvConfig::malformedVariables()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(QString, variable);
    QFETCH(QString, message);
    const EnvConfig c = parse(text);
    QCOMPARE(c.problems().size(), 1);
    const EnvConfig::Problem &p = c.problems().first();
    QCOMPARE(p.line, line);
    QCOMPARE(p.variable, variable);
    QVERIFY2(p.message.startsWith(u"/srv/tracktally/.env, line %1"_s.arg(line)), qPrintable(p.message));
    QVERIFY2(p.message.contains(message), qPrintable(p.message));
    QVERIFY(!p.message.contains(u"MIIEvQIBADANBgkq"_s)); // never a piece of the key
}

void tst_EnvConfig::target_data()
{
    QTest::addColumn<QString>("databaseUrl");
    QTest::addColumn<QString>("directUrl");
    QTest::addColumn<QString>("writeVariable"); // empty: refused
    QTest::addColumn<QString>("readVariable");
    const QString pooled = u"postgresql://app:pw@ep-x-pooler.neon.example/prod?sslmode=require&pgbouncer=true"_s;
    const QString direct = u"postgresql://owner:pw@ep-x.neon.example/prod?sslmode=require"_s;
    QTest::newRow("both: the direct one, always") << pooled << direct << u"DIRECT_DATABASE_URL"_s
                                                   << u"DIRECT_DATABASE_URL"_s;
    QTest::newRow("pooled only: never written through") << pooled << QString() << QString() << u"DATABASE_URL"_s;
    QTest::newRow("direct only") << QString() << direct << u"DIRECT_DATABASE_URL"_s << u"DIRECT_DATABASE_URL"_s;
    QTest::newRow("direct URL on a pooler host") << pooled << u"postgresql://o:pw@ep-x-pooler.neon.example/prod"_s
                                                 << QString() << u"DIRECT_DATABASE_URL"_s;
    QTest::newRow("direct URL on PgBouncer's port") << QString() << u"postgresql://o:pw@db.example:6543/prod"_s
                                                    << QString() << u"DIRECT_DATABASE_URL"_s;
    QTest::newRow("neither") << QString() << QString() << QString() << QString();
}

void tst_EnvConfig::target()
{
    QFETCH(QString, databaseUrl);
    QFETCH(QString, directUrl);
    QFETCH(QString, writeVariable);
    QFETCH(QString, readVariable);
    QByteArray text;
    if (!databaseUrl.isEmpty())
        text += "DATABASE_URL=\"" + databaseUrl.toUtf8() + "\"\n";
    if (!directUrl.isEmpty())
        text += "DIRECT_DATABASE_URL=\"" + directUrl.toUtf8() + "\"\n";
    const EnvConfig c = parse(text);
    QVERIFY2(c.problems().isEmpty(), qPrintable(c.problemMessages().join(u'\n')));
    const EnvConfig::Target w = c.target(EnvConfig::TargetUse::Write);
    QCOMPARE(w.ok() ? w.variable : QString(), writeVariable);
    if (w.ok()) {
        QCOMPARE(w.url, directUrl);
        QVERIFY(!EnvConfig::looksPooled(w.url));
    } else {
        QVERIFY(!w.refusal.isEmpty());
        QVERIFY2(!w.refusal.contains(u"pw@"_s), qPrintable(w.refusal));
    }
    const EnvConfig::Target r = c.target(EnvConfig::TargetUse::Read);
    QCOMPARE(r.ok() ? r.variable : QString(), readVariable);
}

void tst_EnvConfig::summaryHidesSecrets()
{
    const EnvConfig c = EnvConfig::load(m_fixture.write(m_dir.path(), u"summary.env"_s));
    const QString all = c.summary().join(u'\n');
    QVERIFY(all.contains(m_fixture.sheetId));
    QVERIFY(all.contains(m_fixture.domain));
    QVERIFY(all.contains(u"principal.one@wattlegrove.example.edu.au"_s));
    QVERIFY(all.contains(u"DIRECT_DATABASE_URL"_s));
    QVERIFY(all.contains(u"ep-quiet-fog-123456.ap-southeast-2"_s)); // the host is shown ...
    QVERIFY2(!all.contains(u"owner-Pa55word"_s), qPrintable(all));   // ... never the password
    QVERIFY(!all.contains(u"app-Pa55word"_s));
    QVERIFY(!all.contains(u"not-a-real-secret"_s));
    const QByteArray body = m_fixture.key.privatePem.split('\n').at(1);
    QVERIFY(!all.toUtf8().contains(body.left(40)));
}

void tst_EnvConfig::domainWarnings_data()
{
    QTest::addColumn<QString>("given");
    QTest::addColumn<QStringList>("logEmails");
    QTest::addColumn<int>("warnings");
    QTest::addColumn<QString>("mentions");
    const QString school = u"a.teacher@wattlegrove.example.edu.au"_s, other = u"x@oldschool.example.org"_s;
    QTest::newRow("agree") << u"wattlegrove.example.edu.au"_s << QStringList{school, school, other} << 0 << QString();
    QTest::newRow("--domain differs") << u"other.example.edu"_s << QStringList{school} << 1 << u"other.example.edu"_s;
    QTest::newRow("logs at another domain") << QString() << QStringList{other, other, school} << 1
                                            << u"oldschool.example.org"_s;
    QTest::newRow("no logs, no flag") << QString() << QStringList{} << 0 << QString();
}

void tst_EnvConfig::domainWarnings()
{
    QFETCH(QString, given);
    QFETCH(QStringList, logEmails);
    QFETCH(int, warnings);
    QFETCH(QString, mentions);
    const EnvConfig c = parse("ALLOWED_GOOGLE_DOMAIN=@WattleGrove.example.edu.au\n");
    QCOMPARE(c.domain().text, u"wattlegrove.example.edu.au"_s);
    std::vector<IncidentRecord> records;
    for (const QString &e : logEmails) {
        IncidentRecord r;
        r.teacherEmail = e;
        records.push_back(r);
    }
    const QStringList w = c.domainWarnings(given, records);
    QCOMPARE(w.size(), warnings);
    if (warnings) {
        QVERIFY2(w.first().contains(mentions), qPrintable(w.first()));
        QVERIFY2(w.first().contains(u"wattlegrove.example.edu.au"_s), qPrintable(w.first())); // names both
    }
}

void tst_EnvConfig::projectKeepsThePathOnly()
{
    const QString path = m_fixture.write(m_dir.path(), u"project.env"_s);
    const EnvConfig c = EnvConfig::load(path);
    Project p = Project::create(SchoolInfo{u"Wattle Grove PS"_s, c.domain().text, u"Australia/Melbourne"_s});
    c.rememberIn(p);
    const QString file = m_dir.filePath(u"p.ttproj"_s);
    p.save(file);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray saved = f.readAll();
    QCOMPARE(EnvConfig::projectEnvPath(Project::load(file)), path);
    QVERIFY(!saved.contains("Pa55word"));
    QVERIFY(!saved.contains("PRIVATE KEY"));
    QVERIFY(!saved.contains(m_fixture.keyOnOneLine().mid(40, 40)));
}

void tst_EnvConfig::tokenUriOverrideOnlyForLoopback_data()
{
    QTest::addColumn<QString>("override");
    QTest::addColumn<QString>("expected");
    QTest::newRow("none") << QString() << u"https://oauth2.googleapis.com/token"_s;
    QTest::newRow("loopback test server") << u"http://127.0.0.1:5555/token"_s << u"http://127.0.0.1:5555/token"_s;
    QTest::newRow("another host is ignored") << u"https://tokens.example.com/token"_s
                                             << u"https://oauth2.googleapis.com/token"_s;
}

void tst_EnvConfig::tokenUriOverrideOnlyForLoopback()
{
    QFETCH(QString, override);
    QFETCH(QString, expected);
    if (override.isEmpty())
        qunsetenv("TT_GOOGLE_TOKEN_URI");
    else
        qputenv("TT_GOOGLE_TOKEN_URI", override.toUtf8());
    QCOMPARE(EnvConfig::tokenUri(), expected);
    qunsetenv("TT_GOOGLE_TOKEN_URI");
}

QTEST_GUILESS_MAIN(tst_EnvConfig)
#include "tst_envconfig.moc"
