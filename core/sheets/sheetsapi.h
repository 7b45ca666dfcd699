#pragma once
// Reads the TrackTally sheet straight from Google Sheets (API v4) with a service account:
// an RS256-signed JWT is exchanged at the key's token_uri for an access token (kept in memory only),
// or with the access token of a user who signed in with Google (UserSignIn, core/sheets/usersignin.h),
// then spreadsheets.values.get fetches "Incidents!A:ZZ" and "Commendations!A:ZZ" as unformatted values
// (numbers as numbers, dates as serial numbers) and import/sheetsimport.h puts the rows through the same Importer as CSV/XLSX.
//
// Network calls are synchronous: a local QEventLoop per request with a timeout and cancel polling. Call them
// from a worker thread (any QThread) or a QCoreApplication CLI, never from the GUI thread.
#include "common/progress.h"
#include "sheets/cell.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QUrl>
#include <optional>
#include <vector>

class QNetworkRequest;

namespace tt {

// A Google service-account JSON key file. Its content is never written to the project; its path may be.
struct ServiceAccountKey
{
    QString path;             // where it was read from (for messages)
    QString clientEmail;      // the address the spreadsheet must be shared with
    QString tokenUri;         // where the signed JWT is exchanged for an access token
    QString privateKeyId;     // optional ("kid" of the JWT)
    QByteArray privateKeyPem; // in memory only

    // Throws SourceError naming the file and, when one is missing, the field.
    static ServiceAccountKey load(const QString &path);
    static ServiceAccountKey fromJson(const QByteArray &json, const QString &path);
};

// An access token from a user's Google sign-in (UserSignIn). Memory only: never written anywhere.
struct UserAccessToken
{
    QByteArray accessToken;
    QDateTime expires;  // UTC; invalid: unknown
    QString clientFile; // the OAuth client file used to sign in (its path may be remembered, never its content)
};

// Makes every QNetworkAccessManager honour the system proxy settings (on Linux the http_proxy, https_proxy and
// no_proxy environment variables). Idempotent and thread-safe; the Sheets clients call it.
void useSystemProxy();

struct SheetsApiOptions
{
    QString apiBase = QStringLiteral("https://sheets.googleapis.com"); // tests: a fake server on 127.0.0.1
    int timeoutMs = 30000;                                             // per request
    int attempts = 3;                                                  // for 429 and 5xx answers
    int backoffMs =
        1000; // first wait before a retry; doubled each time (Retry-After is honoured, up to 30 s)
    // Ask for the write scope (https://www.googleapis.com/auth/spreadsheets) instead of the read-only one. Only
    // `snapshot --sheet-id` sets it; everything else reads with spreadsheets.readonly.
    bool write = false;
};

// What one values.get answered for one tab.
struct SheetValues
{
    QString spreadsheetId;
    QString sheet;   // "Incidents"
    QString range;   // as Google answered it, e.g. "Incidents!A1:L812"
    QByteArray json; // the raw answer
    QString sha256;  // hex SHA-256 of json: the same values import only once
    std::vector<SheetRow> rows;
    QDateTime fetchedAt; // UTC
};

// "https://docs.google.com/spreadsheets/d/<ID>/edit#gid=0" or the bare id -> the id. Throws UserError.
QString spreadsheetIdFromText(const QString &idOrUrl);

// Parses a values.get answer (majorDimension ROWS) into rows of cells: numbers -> Number (text as JSON wrote
// it), strings -> Text ("" -> Empty), booleans -> Boolean; short rows are padded with Empty cells to the
// widest row; row numbers start at the first row of the answered range (1 for "A:ZZ").
// sheet names the tab in messages. Throws SourceError when the answer is not such JSON.
std::vector<SheetRow> rowsFromValuesJson(const QByteArray &json, const QString &sheet,
                                         QString *answeredRange = nullptr);

class SheetsApiClient
{
public:
    static QString readOnlyScope()
    {
        return QStringLiteral("https://www.googleapis.com/auth/spreadsheets.readonly");
    }
    static QString writeScope() { return QStringLiteral("https://www.googleapis.com/auth/spreadsheets"); }
    QString scope() const { return m_options.write ? writeScope() : readOnlyScope(); }

    explicit SheetsApiClient(ServiceAccountKey key, SheetsApiOptions options = {});
    // Reads as the user who signed in (the token is not renewed: when it has expired, sign in again).
    explicit SheetsApiClient(UserAccessToken token, SheetsApiOptions options = {});
    ~SheetsApiClient();
    SheetsApiClient(const SheetsApiClient &) = delete;
    SheetsApiClient &operator=(const SheetsApiClient &) = delete;

    const ServiceAccountKey &key() const { return m_key; }
    const SheetsApiOptions &options() const { return m_options; }

    // The signed JWT assertion for iat (seconds since the epoch); exp = iat + 3600.
    QByteArray assertion(qint64 iat) const;
    // Exchanges a fresh assertion for an access token (kept in memory). Throws UserError/SourceError.
    // With a user's token: throws UserError when it has expired (nothing to exchange).
    void signIn(Progress *progress = nullptr);
    bool signedIn() const;
    bool usesUserSignIn() const { return m_user; }

    // values.get of "<sheet>!A:ZZ"; signs in first when needed. nullopt when the spreadsheet has no tab of
    // that name. Throws UserError/SourceError (403 not shared, 404 not found, 429/5xx after retries,
    // network), tt::Cancelled when progress asks to cancel.
    std::optional<SheetValues> fetchValues(const QString &spreadsheetId, const QString &sheet,
                                           Progress *progress = nullptr);

    static QUrl valuesUrl(const QString &apiBase, const QString &spreadsheetId, const QString &range);

    // Writing (SheetsApiOptions::write): the titles of the spreadsheet's tabs (spreadsheets.get), a new tab
    // (spreadsheets.batchUpdate addSheet), emptying a range (values.clear) and writing rows of text at a range
    // (values.update, valueInputOption=RAW: nothing the cells hold is interpreted). Throw UserError.
    QStringList sheetTitles(const QString &spreadsheetId, Progress *progress = nullptr);
    void addSheet(const QString &spreadsheetId, const QString &title, Progress *progress = nullptr);
    void clearValues(const QString &spreadsheetId, const QString &range, Progress *progress = nullptr);
    void updateValues(const QString &spreadsheetId, const QString &range, const std::vector<QStringList> &rows,
                      Progress *progress = nullptr);
    // A tab name in A1 notation: plain names as they are, others in single quotes ('Roster students').
    static QString quotedTab(const QString &tab);

private:
    struct Answer
    {
        int status = 0;
        QByteArray body;
        QByteArray retryAfter;
    };
    Answer send(const QString &what, const QNetworkRequest &request, const QByteArray *postBody,
                Progress *progress, const QByteArray &verb = QByteArrayLiteral("POST"));
    // A write call (verb, address, JSON body) with sign-in and the errors a write can meet; returns the body.
    QByteArray writeCall(const QString &what, const QByteArray &verb, const QUrl &url, const QByteArray &body,
                         Progress *progress);

    ServiceAccountKey m_key; // empty with a user's token
    bool m_user = false;
    QString m_clientFile; // with a user's token
    SheetsApiOptions m_options;
    QByteArray m_accessToken; // memory only
    QDateTime m_tokenExpires;
};

} // namespace tt
