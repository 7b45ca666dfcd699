// Google user sign-in (OAuth 2 installed-app flow, loopback redirect, PKCE) end to end against the fake
// authorization + token + values server on 127.0.0.1. The "browser" is a QNetworkAccessManager that GETs the
// address UserSignIn asks to open and follows the 302 back to the loopback listener, as a real browser would.
#include "fakesheetsserver.h"
#include "fixturegenerator.h"
#include "valuesfixture.h"

#include "common/errors.h"
#include "project/project.h"
#include "session/recoverysession.h"
#include "session/sourcessession.h"
#include "import/sheetsimport.h"
#include "sheets/sheetsapi.h"
#include "sheets/usersignin.h"

#include <QCryptographicHash>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkInterface>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>
#include <nlohmann/json.hpp>

using namespace tt;
using namespace tt::test;

namespace {

QString str(const nlohmann::json &j)
{
    return QString::fromStdString(j.get<std::string>());
}

Project newProject(const School &school)
{
    return Project::create(SchoolInfo{school.spec.name, school.spec.domain, school.spec.timeZone});
}

// Can a TCP connection to address:port be opened?
bool canConnect(const QHostAddress &address, quint16 port)
{
    QTcpSocket s;
    s.setProxy(QNetworkProxy::NoProxy);
    s.connectToHost(address, port);
    return s.waitForConnected(1500);
}

// The local address of the listening TCP socket on `port`, from /proc/net/tcp (hex "0100007F" is 127.0.0.1).
QString listeningAddressHex(quint16 port)
{
    QFile f(QStringLiteral("/proc/net/tcp"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QString portHex = QStringLiteral("%1").arg(port, 4, 16, QLatin1Char('0')).toUpper();
    for (const QByteArray &line : f.readAll().split('\n')) {
        const QList<QByteArray> cols = line.simplified().split(' ');
        if (cols.size() > 3 && cols[3] == "0A" && cols[1].endsWith(":" + portHex.toLatin1()))
            return QString::fromLatin1(cols[1].left(cols[1].indexOf(':')));
    }
    return {};
}

} // namespace

class tst_UserSignIn : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void clientFileErrors_data();
    void clientFileErrors();
    void configuredFile();
    void pkce_data();
    void pkce();
    void signInAndImport();
    void outcomes_data();
    void outcomes();
    void wrongStateIgnored();
    void timeout();
    void cancelStopsListening();
    void listensOnLoopbackOnly();
    void userWithoutAccess();
    void sourcesConfigWithToken();
    void systemProxyHonoured();
    void commandLine();

private:
    // The test browser: GETs every address the sign-in asks to open (following the redirect).
    void connectBrowser(UserSignIn &signIn);
    // Runs one sign-in to its end; returns "granted", "failed: <message>" or "cancelled" (or "" on timeout).
    QString runSignIn(UserSignIn &signIn, int waitMs = 10000);
    QString writeClient(const nlohmann::json &client, const QString &name);
    FakeSheetsServer::Config baseConfig() const;

    QTemporaryDir m_dir;
    FakeSheetsServer m_server;
    School m_school;
    ExportResult m_inc, m_com;
    QByteArray m_incJson, m_comJson;
    QString m_clientPath, m_keyPath;
    SheetsApiOptions m_options;
    QNetworkAccessManager m_browser;
    QList<QUrl> m_opened;     // what the browser was asked to open
    QStringList m_pagesShown; // what the loopback listener answered the browser
};

void tst_UserSignIn::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_server.start());
    m_browser.setProxy(QNetworkProxy::NoProxy);
    SchoolSpec spec;
    spec.seed = 5151;
    spec.logs = 900;
    m_school = generateSchool(spec);
    const QString xlsx = m_dir.filePath(u"workbook.xlsx"_qs);
    std::tie(m_inc, m_com) = writeWorkbook(m_school, xlsx, QuirkOptions{});
    QVERIFY(m_inc.counts.quarantined > 0 && m_inc.counts.duplicatesConflicting > 0);
    m_incJson = valuesJsonFromWorkbook(xlsx, u"Incidents"_qs);
    m_comJson = valuesJsonFromWorkbook(xlsx, u"Commendations"_qs);
    nlohmann::json client = clientJson();
    client["installed"]["auth_uri"] = m_server.authUrl().toStdString();
    client["installed"]["token_uri"] = m_server.tokenUrl().toStdString();
    m_clientPath = writeClient(client, u"client_secret_desktop.json"_qs);
    nlohmann::json key = keyJson();
    key["token_uri"] = m_server.tokenUrl().toStdString();
    m_keyPath = m_dir.filePath(u"service-account.json"_qs);
    QVERIFY(writeAll(m_keyPath, QByteArray::fromStdString(key.dump())));
    m_options.apiBase = m_server.baseUrl();
    m_options.backoffMs = 20;
    m_options.timeoutMs = 5000;
    // Google credentials go to a server on this computer only when the environment names it (inherited by
    // the command-line run below).
    qputenv("TT_GOOGLE_TEST_SERVER", m_server.baseUrl().toUtf8());
}

void tst_UserSignIn::init()
{
    m_server.setConfig(baseConfig());
    m_server.resetStats();
    m_opened.clear();
    m_pagesShown.clear();
}

void tst_UserSignIn::cleanup()
{
    qunsetenv("TT_GOOGLE_CLIENT_FILE");
}

QString tst_UserSignIn::writeClient(const nlohmann::json &client, const QString &name)
{
    const QString path = m_dir.filePath(name);
    writeAll(path, QByteArray::fromStdString(client.dump(2)));
    return path;
}

FakeSheetsServer::Config tst_UserSignIn::baseConfig() const
{
    FakeSheetsServer::Config c;
    c.spreadsheetId = kSheetId;
    c.clientEmail = str(keyJson()["client_email"]);
    c.publicKeyPem = readAll(dataDir() + u"test-only-key.pub.pem"_qs);
    c.oauthClientId = str(clientJson()["installed"]["client_id"]);
    c.oauthClientSecret = str(clientJson()["installed"]["client_secret"]);
    c.tabs.insert(u"Incidents"_qs, m_incJson);
    c.tabs.insert(u"Commendations"_qs, m_comJson);
    return c;
}

void tst_UserSignIn::connectBrowser(UserSignIn &signIn)
{
    connect(&signIn, &UserSignIn::authorizeWithBrowser, this, [this](const QUrl &url) {
        m_opened << url;
        QNetworkReply *r = m_browser.get(QNetworkRequest(url));
        connect(r, &QNetworkReply::finished, this, [this, r] {
            m_pagesShown << QString::fromUtf8(r->readAll());
            r->deleteLater();
        });
    });
}

QString tst_UserSignIn::runSignIn(UserSignIn &signIn, int waitMs)
{
    QString result;
    connect(&signIn, &UserSignIn::granted, this, [&result] { result = u"granted"_qs; });
    connect(&signIn, &UserSignIn::failed, this, [&result](const QString &m) { result = u"failed: "_qs + m; });
    connect(&signIn, &UserSignIn::cancelled, this, [&result] { result = u"cancelled"_qs; });
    if (!signIn.start() && result.isEmpty())
        return u"did not start"_qs;
    QElapsedTimer t;
    t.start();
    while (result.isEmpty() && t.elapsed() < waitMs)
        QTest::qWait(20);
    disconnect(&signIn, nullptr, this, nullptr);
    return result;
}

void tst_UserSignIn::clientFileErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected"); // part of the message
    const nlohmann::json c = clientJson();
    for (const char *f : {"client_id", "client_secret", "auth_uri", "token_uri"}) {
        nlohmann::json missing = c;
        missing["installed"].erase(f);
        QTest::addRow("missing %s", f) << QByteArray::fromStdString(missing.dump())
                                       << (u"missing the field '"_qs + QLatin1String(f) + u"'"_qs);
        nlohmann::json empty = c;
        empty["installed"][f] = "";
        QTest::addRow("empty %s", f) << QByteArray::fromStdString(empty.dump())
                                     << (u"missing the field '"_qs + QLatin1String(f) + u"'"_qs);
    }
    QTest::newRow("no installed section")
        << QByteArray(R"({"client_id":"x","client_secret":"y"})") << u"missing the field 'installed'"_qs;
    QTest::newRow("web client") << QByteArray(R"({"web":{"client_id":"x","client_secret":"y"}})")
                                << u"web application"_qs;
    QTest::newRow("service-account key") << QByteArray::fromStdString(keyJson().dump())
                                         << u"is a service-account key"_qs;
    QTest::newRow("not json") << QByteArray("client_id=x\n") << u"it is not a JSON file"_qs;
}

void tst_UserSignIn::clientFileErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath(u"bad-client.json"_qs);
    QVERIFY(writeAll(path, content));
    QString message, file;
    try {
        OAuthClient::load(path);
    } catch (const SourceError &e) {
        message = e.message();
        file = e.file();
    }
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY2(message.contains(u"bad-client.json"_qs), qPrintable(message));
    QCOMPARE(file, path);
}

void tst_UserSignIn::configuredFile()
{
    const OAuthClient c = OAuthClient::load(m_clientPath);
    QCOMPARE(c.clientId, str(clientJson()["installed"]["client_id"]));
    QCOMPARE(c.authUri, m_server.authUrl());
    QCOMPARE(c.tokenUri, m_server.tokenUrl());
    // Nothing configured: sign-in is not offered.
    QCOMPARE(OAuthClient::configuredFile(), QString());
    QCOMPARE(OAuthClient::configuredFile(m_dir.filePath(u"gone.json"_qs)), QString());
    // Remembered (project or settings) and still there.
    QCOMPARE(OAuthClient::configuredFile(m_clientPath), m_clientPath);
    // The environment variable wins.
    const QString other = m_dir.filePath(u"from-env.json"_qs);
    qputenv("TT_GOOGLE_CLIENT_FILE", other.toLocal8Bit());
    QCOMPARE(OAuthClient::configuredFile(m_clientPath), other);
    QCOMPARE(OAuthClient::configuredFile(), other);
}

void tst_UserSignIn::pkce_data()
{
    QTest::addColumn<QByteArray>("verifier");
    QTest::addColumn<QByteArray>("challenge");
    // RFC 7636, appendix B.
    QTest::newRow("rfc 7636 example") << QByteArray("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
                                      << QByteArray("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    // Computed independently here (OpenSSL through QCryptographicHash would be the same code; use the
    // definition: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) without padding).
    const QByteArray v = UserSignIn::makeCodeVerifier();
    QTest::newRow("generated verifier")
        << v
        << QCryptographicHash::hash(v, QCryptographicHash::Sha256).toBase64(QByteArray::Base64UrlEncoding).replace("=", "");
}

void tst_UserSignIn::pkce()
{
    QFETCH(QByteArray, verifier);
    QFETCH(QByteArray, challenge);
    QCOMPARE(UserSignIn::codeChallenge(verifier), challenge);
    // 43..128 characters of the unreserved set.
    QVERIFY(verifier.size() >= 43 && verifier.size() <= 128);
    for (char c : verifier)
        QVERIFY2(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~',
                 verifier.constData());
    QVERIFY(UserSignIn::makeCodeVerifier() != UserSignIn::makeCodeVerifier());
}

void tst_UserSignIn::signInAndImport()
{
    UserSignIn signIn(OAuthClient::load(m_clientPath));
    connectBrowser(signIn);
    const QString result = runSignIn(signIn);
    auto stats = m_server.stats();
    QVERIFY2(result == u"granted"_qs, qPrintable(result + u" / "_qs + stats.rejections.join(u"; "_qs) + u" / "_qs + stats.userTokenForms.join(u"; "_qs)));
    QVERIFY2(stats.rejections.isEmpty(), qPrintable(stats.rejections.join(u"; "_qs)));
    QCOMPARE(stats.authorizationRequests, 1);
    QCOMPARE(stats.userTokensIssued, 1);
    QVERIFY(!signIn.isRunning());
    QCOMPARE(signIn.ignoredRedirects(), 0);
    // What the browser was sent to: read-only scope, PKCE S256, a state, a loopback redirect, no offline access.
    QCOMPARE(m_opened.size(), 1);
    const QUrlQuery auth(m_opened[0]);
    QCOMPARE(auth.queryItemValue(u"scope"_qs, QUrl::FullyDecoded), SheetsApiClient::readOnlyScope());
    QCOMPARE(auth.queryItemValue(u"code_challenge_method"_qs), u"S256"_qs);
    QCOMPARE(auth.queryItemValue(u"code_challenge"_qs).size(), 43);
    QVERIFY(auth.queryItemValue(u"state"_qs).size() >= 16);
    QVERIFY(!auth.hasQueryItem(u"access_type"_qs));
    const QUrl redirect(auth.queryItemValue(u"redirect_uri"_qs, QUrl::FullyDecoded));
    QVERIFY2(redirect.host() == u"127.0.0.1" || redirect.host() == u"localhost", qPrintable(redirect.toString()));
    QCOMPARE(redirect.scheme(), u"http"_qs);
    // The page the browser showed after the redirect, and the token request's PKCE verifier.
    QCOMPARE(m_pagesShown.size(), 1);
    QVERIFY2(m_pagesShown[0].contains(u"You can close this page"_qs), qPrintable(m_pagesShown[0]));
    QVERIFY(stats.userTokenForms.value(0).contains(u"code_verifier="_qs));

    const UserAccessToken token = signIn.token();
    QVERIFY(token.accessToken.startsWith("ya29.user-"));
    QCOMPARE(token.clientFile, m_clientPath);
    QVERIFY(token.expires > QDateTime::currentDateTimeUtc().addSecs(3000));

    // The fetch with the user's token gives exactly what the service-account fetch of the same values gives.
    Project project = newProject(m_school);
    const auto outcomes = importFromSheetsApi(
        project, u"https://docs.google.com/spreadsheets/d/"_qs + kSheetId + u"/edit"_qs, token, m_options);
    QCOMPARE(outcomes.size(), size_t(2));
    Project viaKey = newProject(m_school);
    importFromSheetsApi(viaKey, kSheetId, m_keyPath, m_options);
    for (const auto &[i, truth] : {std::pair{0, &m_inc}, std::pair{1, &m_com}}) {
        const RowCounts c = project.counts(i), k = viaKey.counts(i);
        QCOMPARE(c, k);
        QCOMPARE(c.read, truth->counts.read);
        QCOMPARE(c.read, c.accepted + c.duplicatesIdentical + c.duplicatesConflicting + c.quarantined);
        QVERIFY(c.balanced());
        QCOMPARE(project.sources()[size_t(i)].kind, u"sheets-api"_qs);
    }
    // Re-import adds nothing (the token still serves).
    const RowCounts before = project.counts();
    const auto again = importFromSheetsApi(project, kSheetId, token, m_options);
    for (const ImportOutcome &o : again)
        QVERIFY(o.alreadyImported);
    QCOMPARE(project.counts(), before);
    QCOMPARE(project.sources().size(), size_t(2));

    // The project remembers the client file's path, never its secret, never the token.
    const SheetsApiSettings s = SheetsApiSettings::fromProject(project);
    QCOMPARE(s.oauthClientFile, QFileInfo(m_clientPath).absoluteFilePath());
    QCOMPARE(s.spreadsheetId, kSheetId);
    const QString file = m_dir.filePath(u"user.ttproj"_qs);
    project.save(file);
    const QByteArray saved = readAll(file);
    QVERIFY(!saved.isEmpty());
    QVERIFY(!saved.contains(token.accessToken));
    QVERIFY(!saved.contains("ya29."));
    QVERIFY(!saved.contains(str(clientJson()["installed"]["client_secret"]).toUtf8()));
    QVERIFY(saved.contains(QFileInfo(m_clientPath).absoluteFilePath().toUtf8()));
}

void tst_UserSignIn::outcomes_data()
{
    QTest::addColumn<int>("authMode");
    QTest::addColumn<QString>("setup"); // "", "unreachableToken", "httpAuth", "wrongSecret"
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("rejection"); // what the fake server refused, "" = nothing
    using A = FakeSheetsServer::AuthMode;
    QTest::newRow("denied in the browser") << int(A::Deny) << QString() << u"failed: The sign-in was declined"_qs
                                           << QString();
    QTest::newRow("pkce verifier does not match")
        << int(A::TamperChallenge) << QString() << u"failed: Google did not accept the sign-in code (Invalid code verifier.)"_qs
        << u"pkce verifier"_qs;
    QTest::newRow("token endpoint refuses the client")
        << int(A::Approve) << u"wrongSecret"_qs << u"does not accept the OAuth client in"_qs << u"client"_qs;
    QTest::newRow("token endpoint unreachable")
        << int(A::Approve) << u"unreachableToken"_qs << u"failed: Could not reach 127.0.0.1 to finish the Google sign-in"_qs
        << QString();
    QTest::newRow("authorization over plain http elsewhere")
        << int(A::Approve) << u"httpAuth"_qs << u"failed: The auth_uri in the OAuth client file"_qs << QString();
    QTest::newRow("token endpoint elsewhere refused")
        << int(A::Approve) << u"tokenElsewhere"_qs
        << u"failed: The token_uri in the OAuth client file client-tokenElsewhere.json names oauth2.attacker.example"_qs
        << QString();
    QTest::newRow("google over plain http refused")
        << int(A::Approve) << u"httpGoogle"_qs << u"is not encrypted (http)"_qs << QString();
}

void tst_UserSignIn::outcomes()
{
    QFETCH(int, authMode);
    QFETCH(QString, setup);
    QFETCH(QString, expected);
    QFETCH(QString, rejection);
    FakeSheetsServer::Config c = baseConfig();
    c.authMode = FakeSheetsServer::AuthMode(authMode);
    if (setup == u"wrongSecret")
        c.oauthClientSecret = u"another-secret"_qs;
    m_server.setConfig(c);
    nlohmann::json client = clientJson();
    client["installed"]["auth_uri"] = m_server.authUrl().toStdString();
    client["installed"]["token_uri"] = m_server.tokenUrl().toStdString();
    if (setup == u"unreachableToken") {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 closed = probe.serverPort();
        probe.close();
        client["installed"]["token_uri"] = QStringLiteral("http://127.0.0.1:%1/token").arg(closed).toStdString();
        // A second test server (nobody listens): named by the environment too, or nothing would be sent.
        qputenv("TT_GOOGLE_TEST_SERVER",
                QStringLiteral("%1,http://127.0.0.1:%2").arg(m_server.baseUrl()).arg(closed).toUtf8());
    } else if (setup == u"httpAuth") {
        client["installed"]["auth_uri"] = "http://accounts.example.com/o/oauth2/auth";
    } else if (setup == u"tokenElsewhere") {
        client["installed"]["token_uri"] = "https://oauth2.attacker.example/token";
    } else if (setup == u"httpGoogle") {
        client["installed"]["token_uri"] = "http://oauth2.googleapis.com/token";
    }
    const auto restore = qScopeGuard([this] { qputenv("TT_GOOGLE_TEST_SERVER", m_server.baseUrl().toUtf8()); });
    UserSignIn signIn(OAuthClient::load(writeClient(client, u"client-%1.json"_qs.arg(setup))));
    connectBrowser(signIn);
    const QString result = runSignIn(signIn);
    QVERIFY2(result.contains(expected), qPrintable(result));
    QVERIFY(!signIn.isRunning());
    QVERIFY(signIn.token().accessToken.isEmpty());
    const auto stats = m_server.stats();
    QCOMPARE(stats.userTokensIssued, 0);
    if (rejection.isEmpty())
        QVERIFY2(stats.rejections.isEmpty(), qPrintable(stats.rejections.join(u"; "_qs)));
    else
        QVERIFY2(stats.rejections.value(0).startsWith(rejection), qPrintable(stats.rejections.join(u"; "_qs)));
    if (c.authMode == FakeSheetsServer::AuthMode::Deny)
        QCOMPARE(stats.userTokenForms.size(), 0); // no code, no token request
}

void tst_UserSignIn::wrongStateIgnored()
{
    FakeSheetsServer::Config c = baseConfig();
    c.authMode = FakeSheetsServer::AuthMode::WrongState;
    m_server.setConfig(c);
    UserSignIn signIn(OAuthClient::load(m_clientPath));
    connectBrowser(signIn);
    // The redirect with someone else's state is ignored: no token request, still waiting.
    QCOMPARE(runSignIn(signIn, 1500), QString());
    QVERIFY(signIn.isRunning());
    QCOMPARE(signIn.ignoredRedirects(), 1);
    QCOMPARE(m_server.stats().authorizationRequests, 1);
    QCOMPARE(m_server.stats().userTokenForms.size(), 0);
    // The real answer still gets through afterwards.
    m_server.setConfig(baseConfig());
    QSignalSpy granted(&signIn, &UserSignIn::granted);
    const QUrl again = m_opened.value(0);
    QNetworkReply *r = m_browser.get(QNetworkRequest(again));
    QTRY_COMPARE_WITH_TIMEOUT(granted.count(), 1, 10000);
    r->deleteLater();
    QVERIFY(signIn.token().accessToken.startsWith("ya29.user-"));
}

void tst_UserSignIn::timeout()
{
    UserSignIn signIn(OAuthClient::load(m_clientPath));
    signIn.setTimeoutMs(400); // nobody opens the browser
    QElapsedTimer t;
    t.start();
    const QString result = runSignIn(signIn, 5000);
    QVERIFY2(result.startsWith(u"failed: The sign-in was not finished within"_qs), qPrintable(result));
    QVERIFY(t.elapsed() < 3000);
    QVERIFY(!signIn.isRunning());
    QCOMPARE(m_server.stats().authorizationRequests, 0);
    // The default waits 5 minutes for the person at the browser.
    QCOMPARE(UserSignIn(OAuthClient::load(m_clientPath)).timeoutMs(), 5 * 60 * 1000);
}

void tst_UserSignIn::cancelStopsListening()
{
    UserSignIn signIn(OAuthClient::load(m_clientPath));
    QSignalSpy cancelled(&signIn, &UserSignIn::cancelled);
    QSignalSpy granted(&signIn, &UserSignIn::granted);
    QSignalSpy failed(&signIn, &UserSignIn::failed);
    QUrl toOpen;
    connect(&signIn, &UserSignIn::authorizeWithBrowser, this, [&toOpen](const QUrl &u) { toOpen = u; });
    QVERIFY(signIn.start());
    QVERIFY(!signIn.start()); // one at a time
    const quint16 port = signIn.redirectPort();
    QVERIFY(port > 0);
    QVERIFY(canConnect(QHostAddress::LocalHost, port));
    signIn.cancel();
    QCOMPARE(cancelled.count(), 1);
    QVERIFY(!signIn.isRunning());
    QVERIFY(!canConnect(QHostAddress::LocalHost, port)); // the listener is closed at once
    // A browser finishing late changes nothing.
    QNetworkReply *r = m_browser.get(QNetworkRequest(toOpen));
    QTRY_VERIFY_WITH_TIMEOUT(r->isFinished(), 10000);
    r->deleteLater();
    QTest::qWait(200);
    QCOMPARE(granted.count(), 0);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(m_server.stats().userTokenForms.size(), 0);
    // It can start again after a cancel.
    connectBrowser(signIn);
    QCOMPARE(runSignIn(signIn), u"granted"_qs);
}

void tst_UserSignIn::listensOnLoopbackOnly()
{
    UserSignIn signIn(OAuthClient::load(m_clientPath));
    QVERIFY(signIn.start());
    const quint16 port = signIn.redirectPort();
    QVERIFY(port > 0);
    QCOMPARE(signIn.redirectUri().port(), int(port));
    QVERIFY(canConnect(QHostAddress::LocalHost, port));
    // The kernel's view of the listening socket: bound to 127.0.0.1, not 0.0.0.0.
    const QString hex = listeningAddressHex(port);
    if (!hex.isEmpty())
        QCOMPARE(hex, u"0100007F"_qs);
    else
        QVERIFY(QFile::exists(u"/proc/net/tcp6"_qs)); // not on IPv4 at all: then it must not be "any" either
    // Not reachable through this computer's other addresses.
    int others = 0;
    for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
        if (a.isLoopback() || a.protocol() != QAbstractSocket::IPv4Protocol)
            continue;
        ++others;
        QVERIFY2(!canConnect(a, port), qPrintable(a.toString()));
    }
    qInfo("checked %d non-loopback address(es)", others);
    signIn.cancel();
}

void tst_UserSignIn::userWithoutAccess()
{
    UserSignIn signIn(OAuthClient::load(m_clientPath));
    connectBrowser(signIn);
    QCOMPARE(runSignIn(signIn), u"granted"_qs);
    FakeSheetsServer::Config c = baseConfig();
    c.mode = FakeSheetsServer::Mode::Forbidden;
    m_server.setConfig(c);
    Project project = newProject(m_school);
    QString message;
    try {
        importFromSheetsApi(project, kSheetId, signIn.token(), m_options);
    } catch (const UserError &e) {
        message = e.message();
    }
    QVERIFY2(message.contains(u"Your Google account has no access to this spreadsheet"_qs), qPrintable(message));
    QVERIFY2(!message.contains(str(keyJson()["client_email"])), qPrintable(message)); // not the service account
    QVERIFY(project.sources().empty());
    // A token Google no longer accepts: sign in again (no silent renewal, nothing stored to renew with).
    m_server.setConfig(baseConfig());
    m_server.revokeTokens();
    message.clear();
    try {
        importFromSheetsApi(project, kSheetId, signIn.token(), m_options);
    } catch (const UserError &e) {
        message = e.message();
    }
    QVERIFY2(message.contains(u"Sign in with Google again"_qs), qPrintable(message));
    QCOMPARE(m_server.stats().tokenRequests, 1); // the sign-in's own: no renewal behind the user's back
}

void tst_UserSignIn::sourcesConfigWithToken()
{
    UserSignIn signIn(OAuthClient::load(m_clientPath));
    connectBrowser(signIn);
    QCOMPARE(runSignIn(signIn), u"granted"_qs);
    RecoverySession session;
    session.newProject(m_dir.filePath(u"session.ttproj"_qs),
                       SchoolInfo{m_school.spec.name, m_school.spec.domain, m_school.spec.timeZone});
    SourcesSession sources(&session);
    QSignalSpy failed(&session, &RecoverySession::taskFailed);
    QVERIFY(sources.addGoogleSheetWithToken(kSheetId, signIn.token(), m_options.apiBase));
    session.waitForIdle();
    QCOMPARE(failed.count(), 0);
    QCOMPARE(session.project().counts().read, m_inc.counts.read + m_com.counts.read);
    QCOMPARE(sources.sourceCount(), 2);
    QCOMPARE(sources.lastOAuthClientFile(), QFileInfo(m_clientPath).absoluteFilePath());
    QCOMPARE(sources.lastApiBase(), m_options.apiBase);
    // A 403 for the user is reported in the user's terms, and nothing changes.
    FakeSheetsServer::Config c = baseConfig();
    c.mode = FakeSheetsServer::Mode::Forbidden;
    m_server.setConfig(c);
    const RowCounts before = session.project().counts();
    QVERIFY(sources.addGoogleSheetWithToken(kSheetId, signIn.token(), m_options.apiBase));
    session.waitForIdle();
    QCOMPARE(failed.count(), 1);
    QVERIFY2(failed.at(0).at(1).toString().contains(u"Your Google account has no access"_qs),
             qPrintable(failed.at(0).at(1).toString()));
    QCOMPARE(session.project().counts(), before);
}

void tst_UserSignIn::systemProxyHonoured()
{
    // The clients turn on the system proxy configuration (on Linux: the *_proxy environment variables).
    UserSignIn signIn(OAuthClient::load(m_clientPath));
    QVERIFY(QNetworkProxyFactory::usesSystemConfiguration());
    const QByteArray old = qgetenv("https_proxy");
    qputenv("https_proxy", "http://127.0.0.1:3128");
    const QList<QNetworkProxy> proxies =
        QNetworkProxyFactory::proxyForQuery(QNetworkProxyQuery(QUrl(u"https://sheets.googleapis.com/v4"_qs)));
    if (old.isEmpty())
        qunsetenv("https_proxy");
    else
        qputenv("https_proxy", old);
    QVERIFY(!proxies.isEmpty());
    QCOMPARE(proxies.first().type(), QNetworkProxy::HttpProxy);
    QCOMPARE(proxies.first().hostName(), u"127.0.0.1"_qs);
    QCOMPARE(proxies.first().port(), quint16(3128));
}

void tst_UserSignIn::commandLine()
{
    const QString app = qEnvironmentVariable("TT_APP");
    QVERIFY2(QFileInfo(app).isExecutable(), "TT_APP is not built");
    const QString projectFile = m_dir.filePath(u"cli.ttproj"_qs);
    // Runs the import; acts as the person at the browser by GETting the address printed on stdout.
    auto run = [&](const QStringList &extra, QString *out, QString *err, bool browse = true) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"TT_NO_BROWSER"_qs, u"1"_qs);
        env.remove(u"TT_GOOGLE_CLIENT_FILE"_qs);
        p.setProcessEnvironment(env);
        p.setProgram(app);
        p.setArguments(QStringList{u"import"_qs, u"--project"_qs, projectFile, u"--school"_qs,
                                   m_school.spec.name, u"--domain"_qs, m_school.spec.domain, u"--timezone"_qs,
                                   m_school.spec.timeZone} +
                       extra);
        out->clear();
        p.start();
        const QString prompt = u"Open this address in your web browser to sign in: "_qs;
        QElapsedTimer t;
        t.start();
        bool opened = false;
        while (p.state() != QProcess::NotRunning && t.elapsed() < 60000) {
            p.waitForReadyRead(50);
            *out += QString::fromUtf8(p.readAllStandardOutput());
            const qsizetype at = out->indexOf(prompt);
            const qsizetype eol = at >= 0 ? out->indexOf(u'\n', at) : -1;
            if (browse && !opened && eol > 0) {
                opened = true;
                const QUrl url(out->mid(at + prompt.size(), eol - at - prompt.size()).trimmed());
                QNetworkReply *r = m_browser.get(QNetworkRequest(url));
                connect(r, &QNetworkReply::finished, r, &QObject::deleteLater);
            }
            QCoreApplication::processEvents();
        }
        p.waitForFinished(5000);
        *out += QString::fromUtf8(p.readAllStandardOutput());
        *err = QString::fromUtf8(p.readAllStandardError());
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    };
    QString out, err;
    const QStringList api{u"--sheet-id"_qs, u"https://docs.google.com/spreadsheets/d/"_qs + kSheetId + u"/edit"_qs,
                          u"--oauth-client"_qs, m_clientPath, u"--sheets-api-base"_qs, m_server.baseUrl()};
    QCOMPARE(run(api, &out, &err), 0);
    QVERIFY2(out.contains(u"Open this address in your web browser to sign in: http://127.0.0.1:"_qs),
             qPrintable(out + err));
    QVERIFY2(out.contains(u"Signed in to Google."_qs), qPrintable(out + err));
    QVERIFY2(out.contains(u"Google Sheet, Incidents: %1 rows read"_qs.arg(m_inc.counts.read)), qPrintable(out + err));
    QVERIFY2(out.contains(u"Google Sheet, Commendations: %1 rows read"_qs.arg(m_com.counts.read)), qPrintable(out));
    QCOMPARE(m_server.stats().userTokensIssued, 1);
    QCOMPARE(run(api, &out, &err), 0);
    QVERIFY2(out.contains(u"already imported"_qs), qPrintable(out));
    const QByteArray saved = readAll(projectFile);
    QVERIFY(!saved.contains("ya29."));
    QVERIFY(!saved.contains(str(clientJson()["installed"]["client_secret"]).toUtf8()));
    // Denied in the browser: one line, exit 1, nothing changed.
    FakeSheetsServer::Config c = baseConfig();
    c.authMode = FakeSheetsServer::AuthMode::Deny;
    m_server.setConfig(c);
    QCOMPARE(run(api, &out, &err), 1);
    QVERIFY2(err.contains(u"declined"_qs), qPrintable(out + err));
    QCOMPARE(readAll(projectFile), saved);
    // A malformed client file: named, with the missing field; no browser involved.
    nlohmann::json bad = clientJson();
    bad["installed"].erase("client_id");
    const QString badPath = writeClient(bad, u"cli-bad-client.json"_qs);
    QStringList badArgs = api;
    badArgs[3] = badPath;
    QCOMPARE(run(badArgs, &out, &err, false), 1);
    QVERIFY2(err.contains(u"cli-bad-client.json"_qs) && err.contains(u"'client_id'"_qs), qPrintable(err));
    // Usage: both ways at once, or a client without a sheet.
    QCOMPARE(run(api + QStringList{u"--service-account"_qs, m_keyPath}, &out, &err, false), 2);
    QCOMPARE(run({u"--oauth-client"_qs, m_clientPath}, &out, &err, false), 2);
    QVERIFY2(err.contains(u"--sheet-id"_qs), qPrintable(err));
    // --help documents the option.
    QProcess help;
    help.start(app, {u"import"_qs, u"--help"_qs});
    QVERIFY(help.waitForFinished(10000));
    QVERIFY(QString::fromUtf8(help.readAllStandardOutput()).contains(u"--oauth-client <CLIENT.json>"_qs));
}

QTEST_GUILESS_MAIN(tst_UserSignIn)
#include "tst_usersignin.moc"
