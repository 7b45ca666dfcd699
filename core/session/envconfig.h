#pragma once
// TrackTally's own configuration as the starting point of a recovery. A deployment's .env (read by DotEnv,
// core/common/dotenv.h) answers most of the recovery's questions: the sheet every log was appended to
// (SHEET_ID) and the service account TrackTally appends with (GOOGLE_SERVICE_ACCOUNT_EMAIL and
// GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY, a PEM key pasted with literal \n), the school's staff domain
// (ALLOWED_GOOGLE_DOMAIN), its administrators (ADMIN_EMAILS) and TrackTally's operators (SUPER_ADMIN_EMAILS),
// and the database: DATABASE_URL (the app's role, usually on a pooled endpoint) and DIRECT_DATABASE_URL (the
// owner role on the direct endpoint).
//
// Every value remembers the variable and line it came from. Secrets (the private key, passwords inside URLs)
// stay in memory: summary() and every message show them redacted, and a project keeps only the file's path.
#include "common/dotenv.h"
#include "records/incidentrecord.h"
#include "roster/schoolrecords.h"
#include "sheets/sheetsapi.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <vector>

namespace tt {

class Project;

class EnvConfig
{
public:
    // One value and where it came from ("" / 0 when the file does not set it).
    struct Value
    {
        QString text;
        QString variable; // "DIRECT_DATABASE_URL"
        int line = 0;
        bool isSet() const { return !variable.isEmpty(); }
    };
    // A line or a variable that cannot be used, in an administrator's words; never holds a secret.
    struct Problem
    {
        int line = 0;
        QString variable; // empty for a line that is not a variable at all
        QString message;  // names the file, the line and the variable
    };
    // Where the recovery writes (Write: backup and apply) or reads (Read: plan and verify).
    enum class TargetUse { Read, Write };
    struct Target
    {
        QString url;      // the connection string to pass to ConnectionSpec::parse (may hold a password)
        QString variable; // the variable it came from
        int line = 0;
        QString note;     // why this one (for the output), e.g. "the direct endpoint; DATABASE_URL is pooled"
        QString refusal;  // non-empty: no usable target in the file, and why
        bool ok() const { return refusal.isEmpty() && !url.isEmpty(); }
    };

    // TrackTally's variable names (the first of each list; later names are accepted aliases).
    static QStringList sheetIdVariables();      // SHEET_ID, GOOGLE_SHEET_ID, SPREADSHEET_ID
    static QStringList clientEmailVariables();  // GOOGLE_SERVICE_ACCOUNT_EMAIL, GOOGLE_CLIENT_EMAIL
    static QStringList privateKeyVariables();   // GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY, GOOGLE_PRIVATE_KEY
    static QStringList domainVariables();       // ALLOWED_GOOGLE_DOMAIN
    static QStringList adminVariables();        // ADMIN_EMAILS
    static QStringList superAdminVariables();   // SUPER_ADMIN_EMAILS
    static QStringList databaseUrlVariables();  // DATABASE_URL
    static QStringList directUrlVariables();    // DIRECT_DATABASE_URL, DIRECT_URL
    // Google's token endpoint; TT_GOOGLE_TOKEN_URI replaces it only with a loopback address (test servers).
    static QString tokenUri();

    // Reads and interprets the file. Throws UserError when it cannot be read at all (missing, not text).
    static EnvConfig load(const QString &path);
    static EnvConfig fromDotEnv(const DotEnv &env);

    QString path() const { return m_env.path(); }
    QString fileName() const;
    const DotEnv &dotEnv() const { return m_env; }
    // The parser's problems (malformed lines, unclosed quotes, keys given twice) and the variables whose
    // value cannot be used (a key that is not a PEM key, a domain with a space, an address without @, ...).
    const QList<Problem> &problems() const { return m_problems; }
    QStringList problemMessages() const;

    const Value &sheetId() const { return m_sheetId; }         // the spreadsheet id (a link is reduced to it)
    const Value &clientEmail() const { return m_clientEmail; }
    const Value &privateKeyVariable() const { return m_privateKey; } // text is always empty: see privateKeyPem()
    const QByteArray &privateKeyPem() const { return m_pem; }        // memory only; \n sequences made newlines
    const Value &domain() const { return m_domain; }                 // lower case, without a leading @
    const Value &admins() const { return m_admins; }                 // text: the raw list
    const Value &superAdmins() const { return m_superAdmins; }
    const Value &databaseUrl() const { return m_databaseUrl; }
    const Value &directDatabaseUrl() const { return m_directUrl; }

    // Everything needed to read the sheet through the Sheets API is present and well-formed.
    bool canReadSheet() const;
    // Why the sheet cannot be read (empty when canReadSheet()): the variables missing or malformed.
    QString sheetProblem() const;
    // The service account's address and key are present and well-formed (the sheet id may come from elsewhere).
    bool hasServiceAccount() const { return m_clientEmailOk && m_keyOk; }
    // The service-account key built from the .env (no JSON file). Throws UserError naming what is missing.
    ServiceAccountKey serviceAccountKey() const;

    // ADMIN_EMAILS and SUPER_ADMIN_EMAILS, with this file as their source.
    AccountLists accountLists() const;

    // The database to use when the administrator gave none. Write: DIRECT_DATABASE_URL only (the pooled
    // DATABASE_URL never: pg_dump and the apply's session lock do not work through a transaction pooler);
    // Read: DIRECT_DATABASE_URL, else DATABASE_URL with a note.
    Target target(TargetUse use) const;
    // A transaction pooler by its address: a host with "-pooler.", pgbouncer=true, or port 6543.
    static bool looksPooled(const QString &url);

    // For confirmation, one line each, secrets redacted: domain, sheet, credentials, administrators,
    // operators, target (each naming its variable and line).
    QStringList summary() const;

    // Warnings when the school's domain disagrees with ALLOWED_GOOGLE_DOMAIN (given: --domain or the project's
    // domain), or when most teacher addresses in the records are at another domain. Each names both domains.
    QStringList domainWarnings(const QString &given, const std::vector<IncidentRecord> &records) const;

    // The project remembers the .env's path only (section "env"), never a value from it.
    static QString projectEnvPath(const Project &project);
    void rememberIn(Project &project) const;

private:
    Value pick(const QStringList &names) const;
    void problem(const Value &v, const QString &message);
    void readSheet();
    void readPrivateKey();
    void readDomain();
    void readAccounts();
    void readDatabase();

    DotEnv m_env;
    QList<Problem> m_problems;
    Value m_sheetId, m_clientEmail, m_privateKey, m_domain, m_admins, m_superAdmins, m_databaseUrl, m_directUrl;
    QByteArray m_pem;
    bool m_sheetIdOk = false, m_clientEmailOk = false, m_keyOk = false;
    bool m_databaseUrlOk = false, m_directUrlOk = false;
};

} // namespace tt
