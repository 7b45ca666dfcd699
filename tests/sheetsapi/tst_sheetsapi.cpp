// The Google Sheets API source, end to end against a fake token + values server on 127.0.0.1:
// JWT RS256 sign-in (signature verified with the test key's public half), values -> rows, import accounting
// against the fixture generator's ground truth, every error a user can meet, retries, timeout, cancel,
// threads.
#include "fakesheetsserver.h"
#include "valuesfixture.h"
#include "fixturegenerator.h"
#include "envfixture.h"

#include "common/errors.h"
#include "project/project.h"
#include "import/importer.h"
#include "session/envconfig.h"
#include "session/recoverysession.h"
#include "session/sourcessession.h"
#include "sheets/googleendpoint.h"
#include "sheets/jwt.h"
#include "import/sheetsimport.h"
#include "sheets/sheetsapi.h"
#include "sheets/xlsxreader.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTcpServer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimeZone>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>

using namespace tt;
using namespace tt::test;

namespace {

// A fresh RSA key that the fake server does not know (a "deleted or replaced" key).
QByteArray otherPrivateKeyPem()
{
    EVP_PKEY *k = EVP_RSA_gen(2048);
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, k, nullptr, nullptr, 0, nullptr, nullptr);
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    QByteArray pem(data, n);
    BIO_free(bio);
    EVP_PKEY_free(k);
    return pem;
}

Project newProject(const School &school)
{
    return Project::create(SchoolInfo{school.spec.name, school.spec.domain, school.spec.timeZone});
}

class CancelAfter : public Progress
{
public:
    explicit CancelAfter(int ms)
    {
        m_timer.start();
        m_ms = ms;
    }
    bool cancelRequested() const override { return m_timer.elapsed() >= m_ms; }

private:
    QElapsedTimer m_timer;
    int m_ms = 0;
};

} // namespace

class tst_SheetsApi : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void spreadsheetId_data();
    void spreadsheetId();
    void keyFileErrors_data();
    void keyFileErrors();
    void jwtVerifiesWithPublicKey();
    void valuesToRows_data();
    void valuesToRows();
    void valuesNotRows_data();
    void valuesNotRows();
    void rangeIsEncoded();
    void importGroundTruth();
    void reimportAddsNothingAndKeyNotSaved();
    void errors_data();
    void errors();
    void tooManyRequestsThenOk();
    void expiredTokenSignsInAgain();
    void missingTabIsSkipped();
    void cancelWhileWaiting();
    void workerThread();
    void sourcesChoice();
    void commandLine();
    void envFileCredentials();
    void envFileCommandLine();
    void googleEndpoint_data();
    void googleEndpoint();
    void credentialsOnlyToGoogle_data();
    void credentialsOnlyToGoogle();
    void commandLineRefusesOtherHost();

private:
    EnvFixture envFixture() const;
    QString writeKey(const nlohmann::json &key, const QString &name);
    FakeSheetsServer::Config baseConfig() const;

    QTemporaryDir m_dir;
    FakeSheetsServer m_server;
    School m_school;
    ExportResult m_inc, m_com;
    QByteArray m_incJson, m_comJson;
    QString m_keyPath;
    SheetsApiOptions m_options;
};

void tst_SheetsApi::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QFile::exists(dataDir() + u"test-only-key.pem"_qs));
    QVERIFY(m_server.start());
    QVERIFY(m_server.port() > 0);
    SchoolSpec spec;
    spec.seed = 4242;
    spec.logs = 1200;
    m_school = generateSchool(spec);
    const QString xlsx = m_dir.filePath(u"workbook.xlsx"_qs);
    std::tie(m_inc, m_com) = writeWorkbook(m_school, xlsx, QuirkOptions{});
    // The export must carry the quirks this source is about, or the comparison proves little.
    QVERIFY(m_inc.counts.quarantined > 0 && m_inc.counts.duplicatesConflicting > 0 && m_inc.counts.blank > 0);
    m_incJson = valuesJsonFromWorkbook(xlsx, u"Incidents"_qs);
    m_comJson = valuesJsonFromWorkbook(xlsx, u"Commendations"_qs);
    // Serial dates and number ids really arrive as JSON numbers.
    const auto rows = rowsFromValuesJson(m_incJson, u"Incidents"_qs);
    qint64 numbers = 0;
    for (const SheetRow &r : rows)
        for (const Cell &c : r.cells)
            numbers += c.kind == Cell::Kind::Number;
    QVERIFY(numbers > 100);
    nlohmann::json key = keyJson();
    key["token_uri"] = m_server.tokenUrl().toStdString();
    m_keyPath = writeKey(key, u"service-account.json"_qs);
    m_options.apiBase = m_server.baseUrl();
    m_options.backoffMs = 20;
    m_options.timeoutMs = 5000;
    // Google credentials go to a server on this computer only when the environment names it (inherited by
    // the command-line runs below).
    qputenv("TT_GOOGLE_TEST_SERVER", m_server.baseUrl().toUtf8());
}

void tst_SheetsApi::init()
{
    m_server.setConfig(baseConfig());
    m_server.resetStats();
}

QString tst_SheetsApi::writeKey(const nlohmann::json &key, const QString &name)
{
    const QString path = m_dir.filePath(name);
    writeAll(path, QByteArray::fromStdString(key.dump(2)));
    return path;
}

FakeSheetsServer::Config tst_SheetsApi::baseConfig() const
{
    FakeSheetsServer::Config c;
    c.spreadsheetId = kSheetId;
    c.clientEmail = QString::fromStdString(keyJson()["client_email"].get<std::string>());
    c.publicKeyPem = readAll(dataDir() + u"test-only-key.pub.pem"_qs);
    c.tabs.insert(u"Incidents"_qs, m_incJson);
    c.tabs.insert(u"Commendations"_qs, m_comJson);
    return c;
}

void tst_SheetsApi::spreadsheetId_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("id"); // empty: refused
    QTest::newRow("bare id") << kSheetId << kSheetId;
    QTest::newRow("bare id, spaces") << (u"  "_qs + kSheetId + u"\n"_qs) << kSheetId;
    QTest::newRow("edit link") << (u"https://docs.google.com/spreadsheets/d/"_qs + kSheetId +
                                   u"/edit#gid=0"_qs)
                               << kSheetId;
    QTest::newRow("edit link with query")
        << (u"https://docs.google.com/spreadsheets/d/"_qs + kSheetId + u"/edit?usp=sharing"_qs) << kSheetId;
    QTest::newRow("account link") << (u"https://docs.google.com/spreadsheets/u/1/d/"_qs + kSheetId +
                                      u"/htmlview"_qs)
                                  << kSheetId;
    QTest::newRow("without scheme") << (u"docs.google.com/spreadsheets/d/"_qs + kSheetId) << kSheetId;
    QTest::newRow("old key link") << (u"https://docs.google.com/spreadsheet/ccc?key="_qs + kSheetId)
                                  << kSheetId;
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("words") << u"the incidents sheet"_qs << QString();
    QTest::newRow("other site") << u"https://example.com/spreadsheets/view"_qs << QString();
    QTest::newRow("short id") << u"https://docs.google.com/spreadsheets/d/abc/edit"_qs << QString();
}

void tst_SheetsApi::spreadsheetId()
{
    QFETCH(QString, input);
    QFETCH(QString, id);
    QString got, error;
    try {
        got = spreadsheetIdFromText(input);
    } catch (const UserError &e) {
        error = e.message();
    }
    QCOMPARE(got, id);
    QCOMPARE(error.isEmpty(), !id.isEmpty());
}

void tst_SheetsApi::keyFileErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected"); // part of the message
    nlohmann::json k = keyJson();
    for (const char *f : {"client_email", "private_key", "token_uri"}) {
        nlohmann::json missing = k;
        missing.erase(f);
        QTest::addRow("missing %s", f) << QByteArray::fromStdString(missing.dump())
                                       << (u"missing the field '"_qs + QLatin1String(f) + u"'"_qs);
        nlohmann::json empty = k;
        empty[f] = "";
        QTest::addRow("empty %s", f) << QByteArray::fromStdString(empty.dump())
                                     << (u"missing the field '"_qs + QLatin1String(f) + u"'"_qs);
    }
    QTest::newRow("not json") << QByteArray("-----BEGIN PRIVATE KEY-----\nMIIE\n")
                              << u"it is not a JSON file"_qs;
    QTest::newRow("json array") << QByteArray("[1,2]") << u"it is not a JSON file"_qs;
    QTest::newRow("oauth client file")
        << QByteArray(R"({"installed":{"client_id":"x","client_secret":"y"}})") << u"OAuth client file"_qs;
    nlohmann::json user = k;
    user["type"] = "authorized_user";
    QTest::newRow("user credentials")
        << QByteArray::fromStdString(user.dump()) << u"of type 'authorized_user'"_qs;
    nlohmann::json notPem = k;
    notPem["private_key"] = "not a key";
    QTest::newRow("private key not pem")
        << QByteArray::fromStdString(notPem.dump()) << u"does not hold a private key"_qs;
    nlohmann::json badEmail = k;
    badEmail["client_email"] = "nobody";
    QTest::newRow("client email no at")
        << QByteArray::fromStdString(badEmail.dump()) << u"not an email address"_qs;
}

void tst_SheetsApi::keyFileErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath(u"bad-key.json"_qs);
    QVERIFY(writeAll(path, content));
    QString message, file;
    try {
        ServiceAccountKey::load(path);
    } catch (const SourceError &e) {
        message = e.message();
        file = e.file();
    }
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY2(message.contains(u"bad-key.json"_qs), qPrintable(message));
    QCOMPARE(file, path);
}

void tst_SheetsApi::jwtVerifiesWithPublicKey()
{
    const ServiceAccountKey key = ServiceAccountKey::load(m_keyPath);
    SheetsApiClient client(key, m_options);
    const qint64 iat = 1764000000;
    const QByteArray jwt = client.assertion(iat);
    QString why;
    const QByteArray claimsJson = verifyRs256(jwt, readAll(dataDir() + u"test-only-key.pub.pem"_qs), &why);
    QVERIFY2(!claimsJson.isEmpty(), qPrintable(why));
    const auto c = nlohmann::json::parse(claimsJson.toStdString());
    QCOMPARE(QString::fromStdString(c["iss"].get<std::string>()), key.clientEmail);
    QCOMPARE(QString::fromStdString(c["aud"].get<std::string>()), key.tokenUri);
    QCOMPARE(QString::fromStdString(c["scope"].get<std::string>()),
             u"https://www.googleapis.com/auth/spreadsheets.readonly"_qs);
    QCOMPARE(c["iat"].get<qint64>(), iat);
    QCOMPARE(c["exp"].get<qint64>(), iat + 3600);
    // Tampering with the claims breaks the signature.
    QList<QByteArray> parts = jwt.split('.');
    parts[1] = jwt::base64Url(QByteArray(R"({"iss":"someone@else"})"));
    QVERIFY(verifyRs256(parts.join('.'), readAll(dataDir() + u"test-only-key.pub.pem"_qs), &why).isEmpty());
    // base64url: no padding, no '+' or '/'.
    QCOMPARE(jwt::base64Url(QByteArray("\xfb\xff\xbf", 3)), QByteArray("-_-_"));
    QCOMPARE(jwt::base64Url(QByteArray("a")), QByteArray("YQ"));
}

void tst_SheetsApi::valuesToRows_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("col");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("number");
    auto add = [](const char *name, int row, int col, Cell::Kind k, const QString &t, double n) {
        QTest::newRow(name) << row << col << int(k) << t << n;
    };
    add("header text", 0, 0, Cell::Kind::Text, u"timestamp"_qs, 0);
    add("integer id", 1, 1, Cell::Kind::Number, u"3430"_qs, 3430);
    add("serial date", 2, 0, Cell::Kind::Number, u"45964.516493055555"_qs, 45964.516493055555);
    add("empty string", 2, 6, Cell::Kind::Empty, QString(), 0);
    add("short row padded", 2, 9, Cell::Kind::Empty, QString(), 0);
    add("short row padded to widest", 2, 12, Cell::Kind::Empty, QString(), 0);
    add("empty row padded", 3, 0, Cell::Kind::Empty, QString(), 0);
    add("text with leading zero", 4, 1, Cell::Kind::Text, u"0517"_qs, 0);
    add("boolean true", 4, 12, Cell::Kind::Boolean, u"TRUE"_qs, 1);
    add("boolean false", 6, 12, Cell::Kind::Boolean, u"FALSE"_qs, 0);
    add("fraction", 6, 1, Cell::Kind::Number, u"3432.5"_qs, 3432.5);
    add("formula-like text", 6, 7, Cell::Kind::Text, u"=not a formula"_qs, 0);
}

void tst_SheetsApi::valuesToRows()
{
    QFETCH(int, row);
    QFETCH(int, col);
    QFETCH(int, kind);
    QFETCH(QString, text);
    QFETCH(double, number);
    QString range;
    const auto rows = rowsFromValuesJson(readAll(dataDir() + u"values-numbers-serials-short-rows.json"_qs),
                                         u"Incidents"_qs, &range);
    QCOMPARE(range, u"Incidents!A1:M7"_qs);
    QCOMPARE(rows.size(), size_t(7));
    for (size_t i = 0; i < rows.size(); ++i) {
        QCOMPARE(rows[i].number, qint64(i + 1));
        QCOMPARE(rows[i].cells.size(), size_t(13));
    }
    QVERIFY(rows[3].isBlank());
    const Cell &c = rows[size_t(row)].cells[size_t(col)];
    QCOMPARE(int(c.kind), kind);
    QCOMPARE(c.text, text);
    QCOMPARE(c.number, number);
}

void tst_SheetsApi::valuesNotRows_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("rows"); // -1: refused
    QTest::addColumn<qint64>("firstRow");
    QTest::newRow("empty sheet has no values")
        << QByteArray(R"({"range":"Incidents!A1:ZZ1000","majorDimension":"ROWS"})") << 0 << qint64(0);
    QTest::newRow("range not from row 1")
        << QByteArray(R"({"range":"'My tab'!A5:C6","values":[["a"],["b"]]})") << 2 << qint64(5);
    QTest::newRow("unknown members ignored")
        << QByteArray(R"({"x":{"y":[1,[2]]},"values":[["a"]],"z":[{"q":1}]})") << 1 << qint64(1);
    QTest::newRow("not json") << QByteArray("<html>proxy login</html>") << -1 << qint64(0);
    QTest::newRow("truncated") << QByteArray(R"({"values":[["a","b")") << -1 << qint64(0);
    QTest::newRow("nested array in a cell") << QByteArray(R"({"values":[[["a"]]]})") << -1 << qint64(0);
    QTest::newRow("object in a cell") << QByteArray(R"({"values":[[{"a":1}]]})") << -1 << qint64(0);
    QTest::newRow("values not rows") << QByteArray(R"({"values":["a","b"]})") << -1 << qint64(0);
    QTest::newRow("columns") << QByteArray(R"({"majorDimension":"COLUMNS","values":[["a"]]})") << -1
                             << qint64(0);
    QTest::newRow("top-level array") << QByteArray(R"([["a"]])") << -1 << qint64(0);
}

void tst_SheetsApi::valuesNotRows()
{
    QFETCH(QByteArray, json);
    QFETCH(int, rows);
    QFETCH(qint64, firstRow);
    std::vector<SheetRow> got;
    QString error;
    try {
        got = rowsFromValuesJson(json, u"Incidents"_qs);
    } catch (const SourceError &e) {
        error = e.message();
    }
    if (rows < 0) {
        QVERIFY2(error.contains(u"Incidents tab"_qs), qPrintable(error));
        return;
    }
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(int(got.size()), rows);
    if (rows > 0)
        QCOMPARE(got.front().number, firstRow);
}

void tst_SheetsApi::rangeIsEncoded()
{
    const QUrl url =
        SheetsApiClient::valuesUrl(u"https://sheets.googleapis.com/"_qs, kSheetId, u"'Term 4 – log'!A:ZZ"_qs);
    const QByteArray enc = url.toEncoded();
    QVERIFY2(
        enc.startsWith("https://sheets.googleapis.com/v4/spreadsheets/" + kSheetId.toLatin1() + "/values/"),
        enc.constData());
    QVERIFY2(enc.contains("/values/%27Term%204%20%E2%80%93%20log%27%21A%3AZZ?"), enc.constData());
    QVERIFY(enc.endsWith(
        "?valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=SERIAL_NUMBER&majorDimension=ROWS"));
}

void tst_SheetsApi::importGroundTruth()
{
    Project project = newProject(m_school);
    const auto outcomes = importFromSheetsApi(
        project, u"https://docs.google.com/spreadsheets/d/"_qs + kSheetId + u"/edit#gid=0"_qs, m_keyPath,
        m_options);
    const auto stats = m_server.stats();
    QVERIFY2(stats.rejections.isEmpty(), qPrintable(stats.rejections.join(u"; "_qs)));
    QCOMPARE(stats.tokensIssued, 1); // one sign-in serves both tabs
    QCOMPARE(stats.valuesRequests, 2);
    QCOMPARE(outcomes.size(), size_t(2));
    for (const auto &[i, truth] : {std::pair{0, &m_inc}, std::pair{1, &m_com}}) {
        const SourceInfo &src = project.sources()[size_t(i)];
        QCOMPARE(src.kind, u"sheets-api"_qs);
        QCOMPARE(src.path, u"sheets:"_qs + kSheetId);
        QCOMPARE(src.sha256, QString::fromLatin1(QCryptographicHash::hash(i == 0 ? m_incJson : m_comJson,
                                                                          QCryptographicHash::Sha256)
                                                     .toHex()));
        const RowCounts c = project.counts(i);
        QCOMPARE(c.read, truth->counts.read);
        QCOMPARE(c.accepted, truth->counts.accepted);
        QCOMPARE(c.duplicatesIdentical, truth->counts.duplicatesIdentical);
        QCOMPARE(c.duplicatesConflicting, truth->counts.duplicatesConflicting);
        QCOMPARE(c.quarantined, truth->counts.quarantined);
        QCOMPARE(c.headerRows, truth->counts.headerRows);
        QVERIFY(c.balanced());
        QVERIFY(outcomes[size_t(i)].notes.value(0).startsWith(u"Fetched "_qs));
        QVERIFY(src.notes.value(0).contains(u"from Google Sheets at "_qs));
        // Same records as the truth: by uuid, timestamps (serial dates) and student ids (numbers) included.
        QHash<QString, const IncidentRecord *> byUuid;
        const DedupeResult &d = project.dedupe();
        for (size_t k = 0; k < project.records().size(); ++k)
            if (project.records()[k].sourceIndex == i && d.status[k] == RecordStatus::Accepted)
                byUuid.insert(project.records()[k].uuid, &project.records()[k]);
        for (const IncidentRecord &t : truth->records) {
            if (t.uuid.isEmpty())
                continue;
            const IncidentRecord *r = byUuid.value(t.uuid);
            QVERIFY2(r, qPrintable(t.uuid));
            QCOMPARE(r->timestampMs, t.timestampMs);
            QCOMPARE(r->studentId, t.studentId);
            QCOMPARE(r->sourceRow, t.sourceRow);
            QCOMPARE(r->note, t.note);
        }
    }
    const SheetsApiSettings s = SheetsApiSettings::fromProject(project);
    QCOMPARE(s.spreadsheetId, kSheetId);
    QCOMPARE(s.keyFile, QFileInfo(m_keyPath).absoluteFilePath());
    QCOMPARE(s.apiBase, m_server.baseUrl());
}

void tst_SheetsApi::reimportAddsNothingAndKeyNotSaved()
{
    Project project = newProject(m_school);
    importFromSheetsApi(project, kSheetId, m_keyPath, m_options);
    const RowCounts before = project.counts();
    const size_t records = project.records().size();
    const auto again = importFromSheetsApi(project, kSheetId, m_keyPath, m_options);
    QCOMPARE(again.size(), size_t(2));
    for (const ImportOutcome &o : again)
        QVERIFY(o.alreadyImported);
    QCOMPARE(project.counts(), before);
    QCOMPARE(project.records().size(), records);
    QCOMPARE(project.sources().size(), size_t(2));

    const QString file = m_dir.filePath(u"api.ttproj"_qs);
    project.save(file);
    const QByteArray saved = readAll(file);
    QVERIFY(!saved.isEmpty());
    const QByteArray pem = readAll(dataDir() + u"test-only-key.pem"_qs);
    QVERIFY(!saved.contains("PRIVATE KEY"));
    for (const QByteArray &line : pem.split('\n'))
        if (line.size() > 20)
            QVERIFY2(!saved.contains(line), line.constData());
    QVERIFY(!saved.contains("ya29."));                                         // no access token
    QVERIFY(saved.contains(QFileInfo(m_keyPath).absoluteFilePath().toUtf8())); // the path may be remembered
    const Project loaded = Project::load(file);
    QCOMPARE(SheetsApiSettings::fromProject(loaded).spreadsheetId, kSheetId);

    // Changed values in the sheet: the tab's earlier rows are replaced, not added to.
    FakeSheetsServer::Config c = baseConfig();
    c.tabs.insert(u"Commendations"_qs, readAll(dataDir() + u"values-numbers-serials-short-rows.json"_qs));
    m_server.setConfig(c);
    const auto changed = importFromSheetsApi(project, kSheetId, m_keyPath, m_options);
    QVERIFY(changed[0].alreadyImported);
    QVERIFY(changed[1].replaced);
    QCOMPARE(project.sources().size(), size_t(2));
    const RowCounts cc = project.counts(1);
    QCOMPARE(cc.read, qint64(5));
    QCOMPARE(cc.accepted, qint64(4));
    QCOMPARE(cc.quarantined, qint64(1));
    QCOMPARE(cc.blank, qint64(1));
    QCOMPARE(cc.headerRows, qint64(1));
    QVERIFY(project.counts().balanced());
}

void tst_SheetsApi::errors_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>(
        "setup"); // "", "skew", "otherKey", "refused", "timeout", "unknownId", "httpToken"
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("valuesRequests"); // -1: do not check
    const QString email = QString::fromStdString(keyJson()["client_email"].get<std::string>());
    using M = FakeSheetsServer::Mode;
    QTest::newRow("403 not shared") << int(M::Forbidden) << QString() << (u"Share and add "_qs + email) << 1;
    QTest::newRow("403 api disabled")
        << int(M::ServiceDisabled) << QString() << u"Google Sheets API is not enabled"_qs << 1;
    QTest::newRow("404 wrong id or tab")
        << int(M::NotFound) << QString() << u"found no spreadsheet with the id"_qs << 1;
    QTest::newRow("404 unknown id") << int(M::Ok) << u"unknownId"_qs << u"found no spreadsheet with the id"_qs
                                    << 1;
    QTest::newRow("500 three tries") << int(M::ServerError) << QString()
                                     << u"server error (HTTP 500) 3 times"_qs << 3;
    QTest::newRow("clock skew") << int(M::Ok) << u"skew"_qs << u"Check the computer's clock"_qs << 0;
    QTest::newRow("replaced key") << int(M::Ok) << u"otherKey"_qs << u"deleted or replaced"_qs << 0;
    QTest::newRow("connection refused")
        << int(M::Ok) << u"refused"_qs << u"the connection was refused"_qs << 0;
    QTest::newRow("timeout") << int(M::Hang) << u"timeout"_qs << u"did not answer within"_qs << 1;
    QTest::newRow("token over plain http elsewhere")
        << int(M::Ok) << u"httpToken"_qs << u"names oauth2.example.com, which is not Google's"_qs << 0;
}

void tst_SheetsApi::errors()
{
    QFETCH(int, mode);
    QFETCH(QString, setup);
    QFETCH(QString, expected);
    QFETCH(int, valuesRequests);
    FakeSheetsServer::Config c = baseConfig();
    c.mode = FakeSheetsServer::Mode(mode);
    if (setup == u"skew")
        c.clockOffsetSecs = 2 * 3600;
    m_server.setConfig(c);
    QString keyPath = m_keyPath, sheet = kSheetId;
    SheetsApiOptions options = m_options;
    nlohmann::json key = keyJson();
    key["token_uri"] = m_server.tokenUrl().toStdString();
    if (setup == u"otherKey") {
        key["private_key"] = otherPrivateKeyPem().toStdString();
        keyPath = writeKey(key, u"other-key.json"_qs);
    } else if (setup == u"refused") {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 closed = probe.serverPort();
        probe.close();
        key["token_uri"] = QStringLiteral("http://127.0.0.1:%1/token").arg(closed).toStdString();
        keyPath = writeKey(key, u"refused-key.json"_qs);
        // A second test server (nobody listens): named by the environment too, or nothing would be sent.
        qputenv("TT_GOOGLE_TEST_SERVER", QStringLiteral("%1,http://127.0.0.1:%2").arg(m_server.baseUrl()).arg(closed).toUtf8());
    } else if (setup == u"httpToken") {
        key["token_uri"] = "http://oauth2.example.com/token";
        keyPath = writeKey(key, u"http-key.json"_qs);
    } else if (setup == u"timeout") {
        options.timeoutMs = 400;
    } else if (setup == u"unknownId") {
        sheet = u"1ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"_qs;
    }
    Project project = newProject(m_school);
    const quint64 generation = project.generation();
    QString message;
    QElapsedTimer t;
    t.start();
    try {
        importFromSheetsApi(project, sheet, keyPath, options);
    } catch (const UserError &e) {
        message = e.message();
    }
    qputenv("TT_GOOGLE_TEST_SERVER", m_server.baseUrl().toUtf8());
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY(project.sources().empty()); // nothing half-imported
    QCOMPARE(project.generation(), generation);
    if (valuesRequests >= 0)
        QCOMPARE(m_server.stats().valuesRequests, valuesRequests);
    QVERIFY(t.elapsed() < 4000); // backoff and timeouts as configured, not 30 s
}

void tst_SheetsApi::tooManyRequestsThenOk()
{
    FakeSheetsServer::Config c = baseConfig();
    c.mode = FakeSheetsServer::Mode::TooManyThenOk;
    c.failures = 2;
    m_server.setConfig(c);
    Project project = newProject(m_school);
    const auto outcomes = importFromSheetsApi(project, kSheetId, m_keyPath, m_options);
    QCOMPARE(outcomes.size(), size_t(2));
    QCOMPARE(m_server.stats().valuesRequests, 4); // 429, 429, OK (Incidents), OK (Commendations)
    QCOMPARE(project.counts(0).read, m_inc.counts.read);
    QCOMPARE(project.counts(1).read, m_com.counts.read);

    // Three 429 in a row: reported after the third try.
    c.failures = 3;
    m_server.setConfig(c);
    m_server.resetStats();
    Project other = newProject(m_school);
    QString message;
    try {
        importFromSheetsApi(other, kSheetId, m_keyPath, m_options);
    } catch (const UserError &e) {
        message = e.message();
    }
    QVERIFY2(message.contains(u"too many requests"_qs) && message.contains(u"after 3 tries"_qs),
             qPrintable(message));
    QCOMPARE(m_server.stats().valuesRequests, 3);
}

void tst_SheetsApi::expiredTokenSignsInAgain()
{
    SheetsApiClient client(ServiceAccountKey::load(m_keyPath), m_options);
    QVERIFY(!client.signedIn());
    QVERIFY(client.fetchValues(kSheetId, u"Incidents"_qs));
    QVERIFY(client.signedIn());
    QCOMPARE(m_server.stats().tokensIssued, 1);
    m_server.revokeTokens();
    const auto v = client.fetchValues(kSheetId, u"Commendations"_qs);
    QVERIFY(v);
    QCOMPARE(v->sha256,
             QString::fromLatin1(QCryptographicHash::hash(m_comJson, QCryptographicHash::Sha256).toHex()));
    QCOMPARE(m_server.stats().tokensIssued, 2);
    QCOMPARE(m_server.stats().valuesRequests, 3); // 200, 401, 200
    QVERIFY(
        !client.fetchValues(kSheetId, u"No such tab"_qs)); // 400 "Unable to parse range": no tab of that name
}

void tst_SheetsApi::missingTabIsSkipped()
{
    FakeSheetsServer::Config c = baseConfig();
    c.tabs.remove(u"Commendations"_qs);
    m_server.setConfig(c);
    Project project = newProject(m_school);
    const auto outcomes = importFromSheetsApi(project, kSheetId, m_keyPath, m_options);
    QCOMPARE(outcomes.size(), size_t(1));
    QCOMPARE(project.sources().size(), size_t(1));
    QVERIFY(outcomes[0].notes.join(u" "_qs).contains(u"no tab named Commendations"_qs));
    QCOMPARE(project.counts(0).read, m_inc.counts.read);

    c.tabs.clear();
    m_server.setConfig(c);
    Project none = newProject(m_school);
    QString message;
    try {
        importFromSheetsApi(none, kSheetId, m_keyPath, m_options);
    } catch (const UserError &e) {
        message = e.message();
    }
    QVERIFY2(message.contains(u"no tab named Incidents or Commendations"_qs), qPrintable(message));
}

void tst_SheetsApi::cancelWhileWaiting()
{
    FakeSheetsServer::Config c = baseConfig();
    c.mode = FakeSheetsServer::Mode::Hang;
    m_server.setConfig(c);
    Project project = newProject(m_school);
    CancelAfter cancel(300);
    QElapsedTimer t;
    t.start();
    bool cancelled = false;
    try {
        importFromSheetsApi(project, kSheetId, m_keyPath, m_options, &cancel);
    } catch (const Cancelled &) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
    QVERIFY(project.sources().empty());
}

void tst_SheetsApi::workerThread()
{
    Project project = newProject(m_school);
    QString error;
    size_t outcomes = 0;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        try {
            outcomes = importFromSheetsApi(project, kSheetId, m_keyPath, m_options).size();
        } catch (const UserError &e) {
            error = e.message();
        }
    }));
    worker->start();
    QVERIFY(worker->wait(60000));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(outcomes, size_t(2));
    QCOMPARE(project.counts().read, m_inc.counts.read + m_com.counts.read);
}

void tst_SheetsApi::sourcesChoice()
{
    // The Sources page's third choice: the session object runs the fetch on its worker thread.
    RecoverySession session;
    session.newProject(m_dir.filePath(u"session.ttproj"_qs),
                       SchoolInfo{m_school.spec.name, m_school.spec.domain, m_school.spec.timeZone});
    SourcesSession sources(&session);
    QSignalSpy failed(&session, &RecoverySession::taskFailed);
    QVERIFY(sources.addGoogleSheet(u"https://docs.google.com/spreadsheets/d/"_qs + kSheetId + u"/edit"_qs, m_keyPath,
                                   m_options.apiBase));
    session.waitForIdle();
    QCOMPARE(failed.count(), 0);
    QCOMPARE(session.project().counts().read, m_inc.counts.read + m_com.counts.read);
    QCOMPARE(session.project().counts().accepted, m_inc.counts.accepted + m_com.counts.accepted);
    QCOMPARE(sources.sourceCount(), 2);
    QCOMPARE(sources.lastSpreadsheet(), kSheetId);
    QCOMPARE(sources.lastKeyFile(), m_keyPath);
    // A wrong key path fails in the administrator's words and changes nothing.
    const RowCounts before = session.project().counts();
    QVERIFY(sources.addGoogleSheet(kSheetId, m_dir.filePath(u"no-such-key.json"_qs), m_options.apiBase));
    session.waitForIdle();
    QCOMPARE(failed.count(), 1);
    QVERIFY2(failed.at(0).at(1).toString().contains(u"no-such-key.json"_qs), qPrintable(failed.at(0).at(1).toString()));
    QCOMPARE(session.project().counts(), before);
}

void tst_SheetsApi::commandLine()
{
    const QString app = qEnvironmentVariable("TT_APP");
    QVERIFY2(QFileInfo(app).isExecutable(), "TT_APP is not built");
    const QString projectFile = m_dir.filePath(u"cli.ttproj"_qs);
    auto run = [&](const QStringList &extra, QString *out, QString *err) {
        QProcess p;
        p.setProgram(app);
        p.setArguments(QStringList{u"import"_qs, u"--project"_qs, projectFile, u"--school"_qs,
                                   m_school.spec.name, u"--domain"_qs, m_school.spec.domain, u"--timezone"_qs,
                                   m_school.spec.timeZone} +
                       extra);
        p.start();
        if (!p.waitForFinished(60000))
            return -1;
        *out = QString::fromUtf8(p.readAllStandardOutput());
        *err = QString::fromUtf8(p.readAllStandardError());
        return p.exitCode();
    };
    QString out, err;
    const QStringList api{
        u"--sheet-id"_qs,        u"https://docs.google.com/spreadsheets/d/"_qs + kSheetId + u"/edit"_qs,
        u"--service-account"_qs, m_keyPath,
        u"--sheets-api-base"_qs, m_server.baseUrl()};
    QCOMPARE(run(api, &out, &err), 0);
    QVERIFY2(out.contains(u"Google Sheet, Incidents: %1 rows read"_qs.arg(m_inc.counts.read)),
             qPrintable(out + err));
    QVERIFY2(out.contains(u"Google Sheet, Commendations: %1 rows read"_qs.arg(m_com.counts.read)),
             qPrintable(out));
    QVERIFY(out.contains(u"Fetched "_qs));
    QCOMPARE(run(api, &out, &err), 0);
    QVERIFY2(out.contains(u"already imported"_qs), qPrintable(out));
    QVERIFY(!readAll(projectFile).contains("PRIVATE KEY"));
    // One without the other is bad usage.
    QCOMPARE(run({u"--sheet-id"_qs, kSheetId}, &out, &err), 2);
    QVERIFY2(err.contains(u"--service-account"_qs), qPrintable(err));
    // A user error: one line, exit 1.
    FakeSheetsServer::Config c = baseConfig();
    c.mode = FakeSheetsServer::Mode::Forbidden;
    m_server.setConfig(c);
    QCOMPARE(run(api, &out, &err), 1);
    QVERIFY2(err.contains(QString::fromStdString(keyJson()["client_email"].get<std::string>())),
             qPrintable(err));
}

// TrackTally's .env instead of a JSON key: a freshly generated key, pasted with literal \n, signs the JWT;
// the fake token endpoint verifies it with that key's public half.
EnvFixture tst_SheetsApi::envFixture() const
{
    EnvFixture f = EnvFixture::generate();
    f.sheetId = kSheetId;
    f.clientEmail = u"tracktally-appender@school-sheets.iam.gserviceaccount.com"_qs;
    f.domain = m_school.spec.domain;
    return f;
}

void tst_SheetsApi::envFileCredentials()
{
    const EnvFixture f = envFixture();
    FakeSheetsServer::Config c = baseConfig();
    c.clientEmail = f.clientEmail;
    c.publicKeyPem = f.key.publicPem;
    m_server.setConfig(c);
    qputenv("TT_GOOGLE_TOKEN_URI", m_server.tokenUrl().toUtf8()); // the test server, as the key's token endpoint
    const auto unset = qScopeGuard([] { qunsetenv("TT_GOOGLE_TOKEN_URI"); });
    const EnvConfig env = EnvConfig::load(f.write(m_dir.path(), u"core.env"_qs));
    QVERIFY(env.canReadSheet());
    QCOMPARE(env.serviceAccountKey().tokenUri, m_server.tokenUrl());
    Project project = newProject(m_school);
    const auto outcomes = importFromSheetsApi(project, env.sheetId().text, env.serviceAccountKey(), env.path(), m_options);
    QVERIFY2(m_server.stats().rejections.isEmpty(), qPrintable(m_server.stats().rejections.join(u'\n')));
    QCOMPARE(m_server.stats().tokensIssued, 1);
    QCOMPARE(outcomes.size(), size_t(2));
    QCOMPARE(outcomes[0].counts.read, m_inc.counts.read);
    QCOMPARE(outcomes[1].counts.read, m_com.counts.read);
    const SheetsApiSettings settings = SheetsApiSettings::fromProject(project);
    QCOMPARE(settings.envFile, env.path());
    QVERIFY(settings.keyFile.isEmpty());
    const QString file = m_dir.filePath(u"env.ttproj"_qs);
    project.save(file);
    const QByteArray saved = readAll(file);
    QVERIFY(!saved.contains("PRIVATE KEY"));
    QVERIFY(!saved.contains(f.keyOnOneLine().mid(60, 40)));
    QVERIFY(!saved.contains("Pa55word"));

    // A key the service account does not have (the .env holds another key): refused by the token endpoint.
    EnvFixture other = f;
    other.key = RsaKeyPair::generate();
    const EnvConfig wrong = EnvConfig::load(other.write(m_dir.path(), u"wrong.env"_qs));
    Project p2 = newProject(m_school);
    QVERIFY_THROWS_EXCEPTION(UserError, importFromSheetsApi(p2, wrong.sheetId().text, wrong.serviceAccountKey(),
                                                            wrong.path(), m_options));
    QCOMPARE(m_server.stats().tokensIssued, 1);
    QVERIFY(p2.records().empty());
}

void tst_SheetsApi::envFileCommandLine()
{
    const QString app = qEnvironmentVariable("TT_APP");
    QVERIFY2(QFileInfo(app).isExecutable(), "TT_APP is not built");
    const EnvFixture f = envFixture();
    FakeSheetsServer::Config c = baseConfig();
    c.clientEmail = f.clientEmail;
    c.publicKeyPem = f.key.publicPem;
    m_server.setConfig(c);
    const QString envPath = f.write(m_dir.path(), u"cli.env"_qs);
    auto run = [&](const QStringList &args, QString *out, QString *err) {
        QProcess p;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(u"TT_GOOGLE_TOKEN_URI"_qs, m_server.tokenUrl());
        p.setProcessEnvironment(e);
        p.start(app, QStringList{u"import"_qs} + args);
        if (!p.waitForFinished(60000))
            return -1;
        *out = QString::fromUtf8(p.readAllStandardOutput());
        *err = QString::fromUtf8(p.readAllStandardError());
        return p.exitCode();
    };
    QString out, err;
    // No file arguments and no --domain: the sheet and the domain come from the .env.
    const QString projectFile = m_dir.filePath(u"cli-env.ttproj"_qs);
    QCOMPARE(run({u"--project"_qs, projectFile, u"--school"_qs, m_school.spec.name, u"--timezone"_qs,
                  m_school.spec.timeZone, u"--env"_qs, envPath, u"--sheets-api-base"_qs, m_server.baseUrl()},
                 &out, &err),
             0);
    QVERIFY2(out.contains(u"Google Sheet, Incidents: %1 rows read"_qs.arg(m_inc.counts.read)), qPrintable(out + err));
    QVERIFY2(out.contains(u"Sheet: %1 (from SHEET_ID (line 5))"_qs.arg(kSheetId)), qPrintable(out));
    QVERIFY2(out.contains(u"DIRECT_DATABASE_URL"_qs), qPrintable(out));
    QVERIFY2(!(out + err).contains(u"Pa55word"_qs), qPrintable(out + err));
    QVERIFY(!(out + err).contains(u"PRIVATE KEY-----"_qs));
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const Project project = Project::load(projectFile);
    QCOMPARE(project.school().domain, m_school.spec.domain);
    QCOMPARE(EnvConfig::projectEnvPath(project), envPath);
    QVERIFY(!readAll(projectFile).contains("PRIVATE KEY"));
    QCOMPARE(m_server.stats().rejections, QStringList());

    // --domain that disagrees with ALLOWED_GOOGLE_DOMAIN: a warning naming both.
    QCOMPARE(run({u"--project"_qs, m_dir.filePath(u"cli-env2.ttproj"_qs), u"--school"_qs, m_school.spec.name,
                  u"--domain"_qs, u"other.example.edu"_qs, u"--env"_qs, envPath, u"--sheets-api-base"_qs,
                  m_server.baseUrl()},
                 &out, &err),
             0);
    QVERIFY2(err.contains(u"other.example.edu"_qs) && err.contains(m_school.spec.domain), qPrintable(err));

    // A .env without the key: exit 1, naming the variable.
    EnvFixture noKey = f;
    QByteArray text = noKey.text();
    text.replace("GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY=", "# GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY=");
    const QString noKeyPath = m_dir.filePath(u"nokey.env"_qs);
    QFile nk(noKeyPath);
    QVERIFY(nk.open(QIODevice::WriteOnly));
    nk.write(text);
    nk.close();
    QCOMPARE(run({u"--project"_qs, m_dir.filePath(u"cli-env3.ttproj"_qs), u"--school"_qs, m_school.spec.name,
                  u"--env"_qs, noKeyPath, u"--sheets-api-base"_qs, m_server.baseUrl()},
                 &out, &err),
             1);
    QVERIFY2(err.contains(u"GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY"_qs), qPrintable(err));
}

// Issue #13 item 8: Google credentials go only to Google's hosts over https; a test server only when an
// environment variable names it and it is on this computer.
void tst_SheetsApi::googleEndpoint_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("testServer"); // TT_GOOGLE_TEST_SERVER; "-": unset
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<QString>("mentions"); // in the refusal

    const QString local = u"http://127.0.0.1:8089"_qs;
    QTest::newRow("google: sheets api") << u"https://sheets.googleapis.com/v4/spreadsheets/x"_qs << u"-"_qs << true << QString();
    QTest::newRow("google: token endpoint") << u"https://oauth2.googleapis.com/token"_qs << u"-"_qs << true << QString();
    QTest::newRow("google: sign-in page") << u"https://accounts.google.com/o/oauth2/auth"_qs << u"-"_qs << true << QString();
    QTest::newRow("google: old token endpoint") << u"https://www.googleapis.com/oauth2/v4/token"_qs << u"-"_qs << true << QString();
    QTest::newRow("google: explicit 443, upper case") << u"https://Sheets.GoogleAPIs.com:443/v4"_qs << u"-"_qs << true << QString();
    QTest::newRow("google while a test server is set") << u"https://oauth2.googleapis.com/token"_qs << local << true << QString();
    QTest::newRow("loopback via env") << u"http://127.0.0.1:8089/token"_qs << local << true << QString();
    QTest::newRow("loopback via env, other 127/8") << u"http://127.3.4.5:9000/v4"_qs << u"http://127.3.4.5:9000"_qs << true << QString();
    QTest::newRow("loopback via env, ::1") << u"http://[::1]:8089/token"_qs << u"http://[::1]:8089"_qs << true << QString();
    QTest::newRow("loopback via env, localhost") << u"http://localhost:8089/v4"_qs << u"http://localhost:8089/"_qs << true << QString();
    QTest::newRow("loopback via env, second of two") << u"http://127.0.0.1:9001/v4"_qs << (local + u",http://127.0.0.1:9001"_qs) << true << QString();
    QTest::newRow("project-file host") << u"https://sheets.attacker.example/v4"_qs << u"-"_qs << false << u"sheets.attacker.example"_qs;
    QTest::newRow("project-file host while a test server is set") << u"https://sheets.attacker.example/v4"_qs << local << false << u"sheets.attacker.example"_qs;
    QTest::newRow("look-alike google host") << u"https://sheets.googleapis.com.attacker.example/v4"_qs << u"-"_qs << false << u"sheets.googleapis.com.attacker.example"_qs;
    QTest::newRow("google on another port") << u"https://sheets.googleapis.com:8443/v4"_qs << u"-"_qs << false << u"sheets.googleapis.com"_qs;
    QTest::newRow("http to google") << u"http://sheets.googleapis.com/v4"_qs << u"-"_qs << false << u"not encrypted (http)"_qs;
    QTest::newRow("http to google token endpoint") << u"http://oauth2.googleapis.com/token"_qs << local << false << u"not encrypted (http)"_qs;
    QTest::newRow("loopback without env") << u"http://127.0.0.1:8089/token"_qs << u"-"_qs << false << u"TT_GOOGLE_TEST_SERVER"_qs;
    QTest::newRow("loopback, other port than env") << u"http://127.0.0.1:8090/token"_qs << local << false << u"127.0.0.1"_qs;
    QTest::newRow("loopback, https but env says http") << u"https://127.0.0.1:8089/token"_qs << local << false << u"127.0.0.1"_qs;
    QTest::newRow("non-loopback override refused") << u"http://10.1.2.3:8089/v4"_qs << u"http://10.1.2.3:8089"_qs << false << u"10.1.2.3"_qs;
    QTest::newRow("non-loopback https override refused") << u"https://test.example:8089/v4"_qs << u"https://test.example:8089"_qs << false << u"test.example"_qs;
    QTest::newRow("not a web address") << u"ftp://sheets.googleapis.com/x"_qs << u"-"_qs << false << u"not a web address"_qs;
}

void tst_SheetsApi::googleEndpoint()
{
    QFETCH(QString, url);
    QFETCH(QString, testServer);
    QFETCH(bool, allowed);
    QFETCH(QString, mentions);
    const auto restore = qScopeGuard([this] { qputenv("TT_GOOGLE_TEST_SERVER", m_server.baseUrl().toUtf8()); });
    if (testServer == u"-")
        qunsetenv("TT_GOOGLE_TEST_SERVER");
    else
        qputenv("TT_GOOGLE_TEST_SERVER", testServer.toUtf8());
    const QString why = GoogleEndpoint::refusal(QUrl(url), u"The address"_qs);
    QCOMPARE(why.isEmpty(), allowed);
    if (!allowed) {
        QVERIFY2(why.contains(mentions), qPrintable(why));
        bool threw = false;
        try {
            GoogleEndpoint::require(QUrl(url), u"The address"_qs);
        } catch (const UserError &e) {
            threw = e.message() == why;
        }
        QVERIFY(threw);
    }
}

// End to end, against the fake server that counts what reaches it: a refused address gets nothing, not even
// the signed sign-in assertion.
void tst_SheetsApi::credentialsOnlyToGoogle_data()
{
    QTest::addColumn<QString>("apiBase");     // "server": the fake server; else as written
    QTest::addColumn<QString>("tokenUri");    // in the key file; "server": the fake server's
    QTest::addColumn<QString>("testServer");  // TT_GOOGLE_TEST_SERVER; "server", "-" (unset) or as written
    QTest::addColumn<bool>("fromProject");    // the apiBase comes from the project file (the Sources page's path)
    QTest::addColumn<QString>("expected");    // in the failure; empty: the import works
    QTest::addColumn<int>("tokenRequests");

    QTest::newRow("loopback via env allowed") << u"server"_qs << u"server"_qs << u"server"_qs << false << QString() << 1;
    QTest::newRow("loopback from the project file, via env") << u"server"_qs << u"server"_qs << u"server"_qs << true << QString() << 1;
    QTest::newRow("project-file host refused")
        << u"https://sheets.attacker.example"_qs << u"server"_qs << u"server"_qs << true << u"sheets.attacker.example"_qs << 0;
    QTest::newRow("project-file loopback not named by env")
        << u"server"_qs << u"server"_qs << u"-"_qs << true << u"127.0.0.1"_qs << 0;
    QTest::newRow("non-loopback override refused")
        << u"http://10.255.255.1:9"_qs << u"server"_qs << u"http://10.255.255.1:9"_qs << false << u"10.255.255.1"_qs << 0;
    QTest::newRow("http to google refused")
        << u"http://sheets.googleapis.com"_qs << u"server"_qs << u"server"_qs << false << u"not encrypted (http)"_qs << 0;
    QTest::newRow("key token_uri elsewhere refused")
        << u"server"_qs << u"https://oauth2.attacker.example/token"_qs << u"server"_qs << false
        << u"oauth2.attacker.example"_qs << 0;
}

void tst_SheetsApi::credentialsOnlyToGoogle()
{
    QFETCH(QString, apiBase);
    QFETCH(QString, tokenUri);
    QFETCH(QString, testServer);
    QFETCH(bool, fromProject);
    QFETCH(QString, expected);
    QFETCH(int, tokenRequests);
    const auto restore = qScopeGuard([this] { qputenv("TT_GOOGLE_TEST_SERVER", m_server.baseUrl().toUtf8()); });
    if (testServer == u"-")
        qunsetenv("TT_GOOGLE_TEST_SERVER");
    else
        qputenv("TT_GOOGLE_TEST_SERVER", (testServer == u"server" ? m_server.baseUrl() : testServer).toUtf8());
    nlohmann::json key = keyJson();
    key["token_uri"] = (tokenUri == u"server" ? m_server.tokenUrl() : tokenUri).toStdString();
    const QString keyPath = writeKey(key, u"endpoint-key.json"_qs);
    const QString base = apiBase == u"server" ? m_server.baseUrl() : apiBase;

    // The path the Sources page takes: the address it passes is the one the project remembers.
    const QString projectPath = m_dir.filePath(u"endpoint.ttproj"_qs);
    Project p = newProject(m_school);
    if (fromProject) {
        SheetsApiSettings remembered;
        remembered.spreadsheetId = kSheetId;
        remembered.apiBase = base;
        remembered.saveTo(p);
    }
    p.save(projectPath);
    RecoverySession session;
    session.openProject(projectPath);
    SourcesSession sources(&session);
    QCOMPARE(sources.lastApiBase(), fromProject ? base : QString());
    QSignalSpy failed(&session, &RecoverySession::taskFailed);
    QVERIFY(sources.addGoogleSheet(kSheetId, keyPath, fromProject ? sources.lastApiBase() : base));
    session.waitForIdle();
    if (expected.isEmpty()) {
        QCOMPARE(failed.count(), 0);
        QCOMPARE(session.project().counts().read, m_inc.counts.read + m_com.counts.read);
    } else {
        QCOMPARE(failed.count(), 1);
        const QString message = failed.at(0).at(1).toString();
        QVERIFY2(message.contains(expected), qPrintable(message));
        QCOMPARE(session.project().counts().read, 0);
    }
    QCOMPARE(m_server.stats().tokenRequests, tokenRequests);
    QCOMPARE(m_server.stats().valuesRequests, expected.isEmpty() ? 2 : 0);
}

// The --sheets-api-base flag stays, but names Google or the test server the environment names.
void tst_SheetsApi::commandLineRefusesOtherHost()
{
    const QString app = qEnvironmentVariable("TT_APP");
    QVERIFY2(QFileInfo(app).isExecutable(), "TT_APP is not built");
    for (const QString &env : {u"-"_qs, u"http://10.255.255.1:9"_qs}) {
        m_server.resetStats();
        QProcess p;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        if (env == u"-")
            e.remove(u"TT_GOOGLE_TEST_SERVER"_qs);
        else
            e.insert(u"TT_GOOGLE_TEST_SERVER"_qs, env);
        p.setProcessEnvironment(e);
        p.start(app, {u"import"_qs, u"--project"_qs, m_dir.filePath(u"cli-refused.ttproj"_qs), u"--school"_qs,
                      m_school.spec.name, u"--domain"_qs, m_school.spec.domain, u"--sheet-id"_qs, kSheetId,
                      u"--service-account"_qs, m_keyPath, u"--sheets-api-base"_qs, m_server.baseUrl()});
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(err.contains(u"127.0.0.1"_qs) && err.contains(u"TT_GOOGLE_TEST_SERVER"_qs), qPrintable(err));
        QCOMPARE(m_server.stats().tokenRequests, 0);
        QCOMPARE(m_server.stats().valuesRequests, 0);
    }
}

QTEST_GUILESS_MAIN(tst_SheetsApi)
#include "tst_sheetsapi.moc"
