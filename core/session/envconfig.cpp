#include "session/envconfig.h"

#include "common/errors.h"
#include "database/connectionspec.h"
#include "project/project.h"
#include "sheets/googleendpoint.h"
#include "sheets/jwt.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QUrl>
#include <nlohmann/json.hpp>

namespace tt {
namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("tt::EnvConfig", text, disambiguation, n);
}

const QString kGoogleTokenUri = QStringLiteral("https://oauth2.googleapis.com/token");

// "@School.Example.edu " -> "school.example.edu"
QString normalisedDomain(const QString &text)
{
    QString d = text.trimmed().toLower();
    if (d.startsWith(u'@'))
        d.remove(0, 1);
    return d;
}

bool isDomain(const QString &d)
{
    static const QRegularExpression re(QStringLiteral(R"(^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$)"));
    return re.match(d).hasMatch();
}

bool isEmail(const QString &e)
{
    static const QRegularExpression re(QStringLiteral(R"(^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$)"));
    return re.match(e).hasMatch();
}

QString domainOf(const QString &email)
{
    const qsizetype at = email.lastIndexOf(u'@');
    return at < 0 ? QString() : email.mid(at + 1).toLower();
}

} // namespace

QStringList EnvConfig::sheetIdVariables() { return {u"SHEET_ID"_qs, u"GOOGLE_SHEET_ID"_qs, u"SPREADSHEET_ID"_qs}; }
QStringList EnvConfig::clientEmailVariables() { return {u"GOOGLE_SERVICE_ACCOUNT_EMAIL"_qs, u"GOOGLE_CLIENT_EMAIL"_qs}; }
QStringList EnvConfig::privateKeyVariables()
{
    return {u"GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY"_qs, u"GOOGLE_PRIVATE_KEY"_qs};
}
QStringList EnvConfig::domainVariables() { return {u"ALLOWED_GOOGLE_DOMAIN"_qs}; }
QStringList EnvConfig::adminVariables() { return {u"ADMIN_EMAILS"_qs}; }
QStringList EnvConfig::superAdminVariables() { return {u"SUPER_ADMIN_EMAILS"_qs}; }
QStringList EnvConfig::databaseUrlVariables() { return {u"DATABASE_URL"_qs}; }
QStringList EnvConfig::directUrlVariables() { return {u"DIRECT_DATABASE_URL"_qs, u"DIRECT_URL"_qs}; }

QString EnvConfig::tokenUri()
{
    const QString env = qEnvironmentVariable(GoogleEndpoint::tokenUriVariable().toLatin1().constData()).trimmed();
    if (!env.isEmpty()) {
        const QUrl url(env);
        if (url.isValid() && GoogleEndpoint::isLoopbackHost(url.host()))
            return env;
    }
    return kGoogleTokenUri;
}

EnvConfig EnvConfig::load(const QString &path)
{
    return fromDotEnv(DotEnv::load(path));
}

EnvConfig EnvConfig::fromDotEnv(const DotEnv &env)
{
    EnvConfig c;
    c.m_env = env;
    for (const DotEnv::Problem &p : env.problems())
        c.m_problems.append(Problem{p.line, QString(), p.message});
    c.readSheet();
    c.readPrivateKey();
    c.readDomain();
    c.readAccounts();
    c.readDatabase();
    std::stable_sort(c.m_problems.begin(), c.m_problems.end(),
                     [](const Problem &a, const Problem &b) { return a.line < b.line; });
    return c;
}

QString EnvConfig::fileName() const
{
    return path().isEmpty() ? tr("the .env file") : path();
}

QStringList EnvConfig::problemMessages() const
{
    QStringList out;
    for (const Problem &p : m_problems)
        out << p.message;
    return out;
}

EnvConfig::Value EnvConfig::pick(const QStringList &names) const
{
    for (const QString &n : names)
        if (m_env.contains(n))
            return Value{m_env.value(n), n, m_env.line(n)};
    return {};
}

void EnvConfig::problem(const Value &v, const QString &message)
{
    m_problems.append(Problem{v.line, v.variable, tr("%1, line %2: %3").arg(fileName()).arg(v.line).arg(message)});
}

void EnvConfig::readSheet()
{
    m_sheetId = pick(sheetIdVariables());
    if (m_sheetId.isSet()) {
        if (m_sheetId.text.trimmed().isEmpty()) {
            problem(m_sheetId, tr("%1 is empty; it should hold the id of the Google Sheet TrackTally appends to.")
                                   .arg(m_sheetId.variable));
        } else {
            try {
                m_sheetId.text = spreadsheetIdFromText(m_sheetId.text);
                m_sheetIdOk = true;
            } catch (const UserError &) {
                problem(m_sheetId, tr("%1 is neither a Google Sheets id nor a link to a sheet (an id is 44 letters, "
                                      "digits, - and _).")
                                       .arg(m_sheetId.variable));
            }
        }
    }
    m_clientEmail = pick(clientEmailVariables());
    if (m_clientEmail.isSet()) {
        m_clientEmail.text = m_clientEmail.text.trimmed();
        m_clientEmailOk = isEmail(m_clientEmail.text);
        if (!m_clientEmailOk)
            problem(m_clientEmail, tr("%1 is not an e-mail address; it should be the service account's address "
                                      "(…@….iam.gserviceaccount.com).")
                                       .arg(m_clientEmail.variable));
    }
}

void EnvConfig::readPrivateKey()
{
    m_privateKey = pick(privateKeyVariables());
    if (!m_privateKey.isSet())
        return;
    // The key is pasted on one line with literal \n (in double quotes dotenv already made them newlines; in
    // single quotes or unquoted they are still backslash-n); stray \r from CRLF files are dropped.
    QString pem = m_privateKey.text;
    m_privateKey.text.clear(); // the secret lives in m_pem only
    pem.replace(u"\\r\\n"_qs, u"\n"_qs).replace(u"\\n"_qs, u"\n"_qs).remove(u'\r');
    pem = pem.trimmed();
    m_pem = pem.toUtf8();
    pem.fill(u' ');
    const QString v = m_privateKey.variable;
    if (m_pem.isEmpty()) {
        problem(m_privateKey, tr("%1 is empty; it should hold the service account's private key.").arg(v));
    } else if (!m_pem.startsWith("-----BEGIN") || !m_pem.contains("PRIVATE KEY-----")
               || !m_pem.contains("-----END")) {
        problem(m_privateKey, tr("%1 does not hold a PEM private key (from -----BEGIN PRIVATE KEY----- to "
                                 "-----END PRIVATE KEY-----); copy private_key from the service account's JSON key.")
                                  .arg(v));
    } else {
        try {
            jwt::signRs256(QByteArrayLiteral("tracktally-recovery key check"), m_pem);
            m_keyOk = true;
        } catch (const UserError &) {
            problem(m_privateKey, tr("%1 cannot be read as an RSA private key: it may be cut short, or its line "
                                     "breaks (\\n) may have been lost when it was pasted.")
                                      .arg(v));
        }
    }
    if (!m_keyOk)
        m_pem.fill('\0');
}

void EnvConfig::readDomain()
{
    m_domain = pick(domainVariables());
    if (!m_domain.isSet())
        return;
    const QString raw = m_domain.text;
    m_domain.text = normalisedDomain(raw);
    if (m_domain.text.contains(u',') || m_domain.text.contains(u' ')) {
        problem(m_domain, tr("%1 names more than one domain; the recovery needs the one domain of the school's "
                             "staff accounts.")
                              .arg(m_domain.variable));
        m_domain.text.clear();
    } else if (!isDomain(m_domain.text)) {
        problem(m_domain, tr("%1 is not a domain name: '%2' (expected something like school.example.edu).")
                              .arg(m_domain.variable, raw.trimmed()));
        m_domain.text.clear();
    }
}

void EnvConfig::readAccounts()
{
    m_admins = pick(adminVariables());
    m_superAdmins = pick(superAdminVariables());
    for (const Value *v : {&m_admins, &m_superAdmins}) {
        if (!v->isSet())
            continue;
        QStringList bad;
        for (const QString &e : DotEnv::emailList(v->text))
            if (!isEmail(e))
                bad << e;
        if (!bad.isEmpty())
            problem(*v, (bad.size() == 1 ? tr("%1 holds an item that is not an e-mail address: %2 (addresses are "
                                              "separated by commas).")
                                           : tr("%1 holds %3 items that are not e-mail addresses: %2 (addresses are "
                                                "separated by commas)."))
                            .arg(v->variable, bad.join(u", "_qs))
                            .arg(bad.size()));
    }
}

void EnvConfig::readDatabase()
{
    m_databaseUrl = pick(databaseUrlVariables());
    m_directUrl = pick(directUrlVariables());
    for (auto [v, ok] : {std::pair{&m_databaseUrl, &m_databaseUrlOk}, std::pair{&m_directUrl, &m_directUrlOk}}) {
        if (!v->isSet())
            continue;
        v->text = v->text.trimmed();
        if (v->text.isEmpty()) {
            problem(*v, tr("%1 is empty.").arg(v->variable));
            continue;
        }
        if (!v->text.startsWith(u"postgres://") && !v->text.startsWith(u"postgresql://") && !v->text.contains(u'=')) {
            problem(*v, tr("%1 is not a PostgreSQL connection URL (postgresql://user@host/database).").arg(v->variable));
            continue;
        }
        try {
            ConnectionSpec::parse(v->text);
            *ok = true;
        } catch (const UserError &) {
            // The parser's own message may quote a piece of the text (a password): never shown.
            problem(*v, tr("%1 cannot be understood as a PostgreSQL connection URL; check that special characters "
                           "in the user name and password are percent-encoded (/ as %2F, @ as %40, ? as %3F).")
                            .arg(v->variable));
        }
    }
}

bool EnvConfig::canReadSheet() const
{
    return m_sheetIdOk && m_clientEmailOk && m_keyOk;
}

QString EnvConfig::sheetProblem() const
{
    if (canReadSheet())
        return {};
    QStringList missing, malformed;
    auto check = [&](const Value &v, bool ok, const QStringList &names) {
        if (!v.isSet())
            missing << names.first();
        else if (!ok)
            malformed << m_env.where(v.variable);
    };
    check(m_sheetId, m_sheetIdOk, sheetIdVariables());
    check(m_clientEmail, m_clientEmailOk, clientEmailVariables());
    check(m_privateKey, m_keyOk, privateKeyVariables());
    QStringList parts;
    if (!missing.isEmpty())
        parts << tr("%1 does not set %2").arg(fileName(), missing.join(u", "_qs));
    if (!malformed.isEmpty())
        parts << tr("%1 cannot be used (see the problems listed for the file)").arg(malformed.join(u", "_qs));
    return tr("The sheet cannot be read with the credentials of %1: %2.").arg(fileName(), parts.join(u"; "_qs));
}

ServiceAccountKey EnvConfig::serviceAccountKey() const
{
    if (!hasServiceAccount())
        throw UserError(sheetProblem());
    ServiceAccountKey key;
    key.path = tr("%1 (%2)").arg(fileName(), m_privateKey.variable);
    key.clientEmail = m_clientEmail.text;
    key.tokenUri = tokenUri();
    key.privateKeyPem = m_pem;
    return key;
}

AccountLists EnvConfig::accountLists() const
{
    AccountLists l;
    l.adminEmails = DotEnv::emailList(m_admins.text);
    l.superAdminEmails = DotEnv::emailList(m_superAdmins.text);
    l.source = path();
    return l;
}

bool EnvConfig::looksPooled(const QString &url)
{
    try {
        return !ConnectionSpec::parse(url).poolerReason().isEmpty(); // the database layer's own detection
    } catch (const UserError &) {
        return false; // not a connection string at all: reported as a problem of its variable
    }
}

EnvConfig::Target EnvConfig::target(TargetUse use) const
{
    Target t;
    const QString direct = directUrlVariables().first(), pooled = databaseUrlVariables().first();
    if (m_directUrlOk) {
        t.url = m_directUrl.text;
        t.variable = m_directUrl.variable;
        t.line = m_directUrl.line;
        if (looksPooled(t.url)) {
            t.refusal = tr("%1 in %2 points at a connection pooler (%3); the backup and the apply need the "
                           "database's direct endpoint. Correct it or give --database.")
                            .arg(m_env.where(t.variable), fileName(), ConnectionSpec::parse(t.url).poolerReason());
            if (use == TargetUse::Write)
                return t;
            t.refusal.clear();
            t.note = tr("through a pooler: reading only");
            return t;
        }
        t.note = m_databaseUrlOk ? tr("the direct endpoint; %1 (the app's, pooled) is never used to write").arg(pooled)
                                 : tr("the direct endpoint");
        return t;
    }
    const QString why = m_directUrl.isSet() ? tr("%1 cannot be used").arg(m_env.where(m_directUrl.variable))
                                            : tr("%1 does not set %2").arg(fileName(), direct);
    if (use == TargetUse::Write) {
        t.refusal = tr("%1. The backup and the apply use the direct URL only, never %2 (the app's URL, usually "
                       "through a pooler that breaks pg_dump and the apply's lock). Add %3 or give --database.")
                        .arg(why, pooled, direct);
        return t;
    }
    if (!m_databaseUrlOk) {
        t.refusal = tr("%1, and %2 cannot be used either. Give --database.")
                        .arg(why, m_databaseUrl.isSet() ? m_env.where(m_databaseUrl.variable)
                                                        : tr("%1 is not set").arg(pooled));
        return t;
    }
    t.url = m_databaseUrl.text;
    t.variable = m_databaseUrl.variable;
    t.line = m_databaseUrl.line;
    t.note = tr("%1; reading only (the backup and the apply will need %2)").arg(why, direct);
    return t;
}

QStringList EnvConfig::summary() const
{
    QStringList out;
    auto where = [this](const Value &v) { return m_env.where(v.variable); };
    if (m_domain.isSet() && !m_domain.text.isEmpty())
        out << tr("School domain: %1 (from %2)").arg(m_domain.text, where(m_domain));
    if (m_sheetIdOk)
        out << tr("Sheet: %1 (from %2)").arg(m_sheetId.text, where(m_sheetId));
    if (m_clientEmailOk)
        out << tr("Read as the service account %1 (from %2)").arg(m_clientEmail.text, where(m_clientEmail));
    if (m_privateKey.isSet())
        out << (m_keyOk ? tr("Private key: *** (from %1; kept in memory only, never saved)").arg(where(m_privateKey))
                        : tr("Private key: *** (from %1) cannot be used").arg(where(m_privateKey)));
    const AccountLists l = accountLists();
    if (m_admins.isSet())
        out << tr("Administrators (role admin): %1 (from %2)")
                   .arg(l.adminEmails.isEmpty() ? tr("none") : l.adminEmails.join(u", "_qs), where(m_admins));
    if (m_superAdmins.isSet())
        out << tr("TrackTally operators (not school staff): %1 (from %2)")
                   .arg(l.superAdminEmails.isEmpty() ? tr("none") : l.superAdminEmails.join(u", "_qs),
                        where(m_superAdmins));
    for (const Value *v : {&m_directUrl, &m_databaseUrl})
        if (v->isSet())
            out << tr("%1: %2 (line %3)").arg(v->variable, m_env.redacted(v->variable)).arg(v->line);
    const Target w = target(TargetUse::Write);
    out << (w.ok() ? tr("Target database for the backup and the apply: %1 (%2)").arg(w.variable, w.note)
                   : tr("Target database: none usable in this file: %1").arg(w.refusal));
    return out;
}

QStringList EnvConfig::domainWarnings(const QString &given, const std::vector<IncidentRecord> &records) const
{
    QStringList out;
    if (m_domain.text.isEmpty())
        return out;
    const QString env = m_domain.text, g = normalisedDomain(given);
    if (!g.isEmpty() && g != env)
        out << tr("The school's domain is %1, but %2 of %3 says %4; the recovery uses %1.")
                   .arg(g, m_domain.variable, fileName(), env);
    QHash<QString, qint64> byDomain;
    qint64 total = 0;
    for (const IncidentRecord &r : records) {
        const QString d = domainOf(r.teacherEmail);
        if (d.isEmpty())
            continue;
        ++byDomain[d];
        ++total;
    }
    if (total == 0)
        return out;
    QString top;
    qint64 topCount = 0;
    for (auto it = byDomain.cbegin(); it != byDomain.cend(); ++it)
        if (it.value() > topCount || (it.value() == topCount && it.key() < top))
            top = it.key(), topCount = it.value();
    const qint64 atEnv = byDomain.value(env);
    if (top != env && topCount > atEnv)
        out << tr("%1 of %2 says the staff domain is %3, but %4 of %5 logs were written by addresses at %6 "
                  "(%7 at %3).")
                   .arg(m_domain.variable, fileName(), env)
                   .arg(topCount)
                   .arg(total)
                   .arg(top)
                   .arg(atEnv);
    return out;
}

QString EnvConfig::projectEnvPath(const Project &project)
{
    const nlohmann::json *j = project.section("env");
    if (!j || !j->is_object() || !j->contains("path") || !(*j)["path"].is_string())
        return {};
    return QString::fromStdString((*j)["path"].get<std::string>());
}

void EnvConfig::rememberIn(Project &project) const
{
    project.section("env") = {{"path", QFileInfo(path()).absoluteFilePath().toStdString()}};
}

} // namespace tt
