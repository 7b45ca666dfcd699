// tracktally-recovery import: creates or updates a project from sheet exports.
#include "cli.h"

#include "common/errors.h"
#include "project/project.h"
#include "import/importer.h"
#include "import/sheetsimport.h"
#include "sheets/sheetsapi.h"
#include "sheets/usersignin.h"
#include "roster/rosterproject.h"
#include "session/envconfig.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QProcess>
#include <QFileInfo>
#include <QTimeZone>
#include <QTimer>
#include <optional>

namespace tt::cli {
namespace {

QString tr(const char *t, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("tt::cli::import", t, disambiguation, n);
}

QString describe(const ImportOutcome &o)
{
    const RowCounts &c = o.counts;
    QString line = tr("%1: %2 rows read: %3 accepted, %4 identical duplicates, %5 conflicting duplicates, "
                      "%6 quarantined; %7 blank rows")
                       .arg(o.displayName)
                       .arg(c.read)
                       .arg(c.accepted)
                       .arg(c.duplicatesIdentical)
                       .arg(c.duplicatesConflicting)
                       .arg(c.quarantined)
                       .arg(c.blank);
    if (o.alreadyImported)
        line += tr(" (already imported: nothing added)");
    else if (o.replaced)
        line += tr(" (the file changed: its earlier rows were replaced)");
    return line;
}

// The installed-app sign-in on the command line: prints the address to open, tries the desktop's browser
// (not when TT_NO_BROWSER is set), and waits in an event loop for the redirect, a failure or the timeout.
UserAccessToken signInWithGoogle(const QString &clientFile)
{
    UserSignIn signIn(OAuthClient::load(clientFile));
    QEventLoop loop;
    QString failure;
    QObject::connect(&signIn, &UserSignIn::authorizeWithBrowser, &loop, [](const QUrl &url) {
        out() << tr("Open this address in your web browser to sign in: %1").arg(url.toString(QUrl::FullyEncoded))
              << Qt::endl;
        if (qEnvironmentVariableIsEmpty("TT_NO_BROWSER"))
            QProcess::startDetached(QStringLiteral("xdg-open"), {url.toString(QUrl::FullyEncoded)});
        out() << tr("Waiting for the sign-in to finish in the browser (up to %n minute(s))…", nullptr,
                    UserSignIn::DefaultTimeoutMs / 60000)
              << Qt::endl;
    });
    QObject::connect(&signIn, &UserSignIn::granted, &loop, &QEventLoop::quit);
    QObject::connect(&signIn, &UserSignIn::failed, &loop, [&](const QString &message) {
        failure = message;
        loop.quit();
    });
    bool stopped = false;
    QObject::connect(&signIn, &UserSignIn::cancelled, &loop, [&] {
        stopped = true;
        loop.quit();
    });
    QTimer ctrlC; // Ctrl+C stops the wait
    QObject::connect(&ctrlC, &QTimer::timeout, &signIn, [&signIn] {
        if (interrupted() && signIn.isRunning())
            signIn.cancel();
    });
    ctrlC.start(100);
    if (!signIn.start())
        throw UserError(failure.isEmpty() ? tr("The Google sign-in could not start.") : failure);
    loop.exec();
    if (stopped)
        throw Cancelled();
    if (!failure.isEmpty())
        throw UserError(failure);
    out() << tr("Signed in to Google.") << Qt::endl;
    return signIn.token();
}

} // namespace

namespace {

struct ImportOptions
{
    QCommandLineOption project{QStringLiteral("project"), tr("The project file to create or update."), tr("FILE")};
    QCommandLineOption school{QStringLiteral("school"), tr("The school's name (needed for a new project)."), tr("NAME")};
    QCommandLineOption domain{QStringLiteral("domain"), tr("The school's domain, e.g. wattlegrove.example.edu.au (needed for a new project unless --env gives ALLOWED_GOOGLE_DOMAIN)."), tr("DOMAIN")};
    QCommandLineOption timezone{QStringLiteral("timezone"), tr("The school's time zone (IANA name, e.g. Australia/Melbourne); default: this computer's."), tr("TZ")};
    QCommandLineOption dateOrder{QStringLiteral("date-order"), tr("How dates typed into the sheet are written: auto (decide from the data), dmy or mdy."), tr("ORDER")};
    QCommandLineOption incidents{QStringLiteral("incidents"), tr("A CSV download of the Incidents tab (may be repeated)."), tr("CSV")};
    QCommandLineOption commendations{QStringLiteral("commendations"), tr("A CSV download of the Commendations tab (may be repeated)."), tr("CSV")};
    QCommandLineOption workbook{QStringLiteral("workbook"), tr("An XLSX download of the whole spreadsheet (may be repeated)."), tr("XLSX")};
    QCommandLineOption sheetId{QStringLiteral("sheet-id"), tr("Read both tabs straight from Google Sheets: the spreadsheet's link or id (needs --service-account, --oauth-client or --env)."), tr("ID_OR_URL")};
    QCommandLineOption serviceAccount{QStringLiteral("service-account"), tr("The service account's JSON key file, for --sheet-id (its path is remembered, never its content)."), tr("KEY.json")};
    QCommandLineOption oauthClient{QStringLiteral("oauth-client"), tr("For --sheet-id: sign in with your own Google account instead of a service account, with this OAuth client file (a \"Desktop app\" client's JSON from the Google Cloud console; default: $TT_GOOGLE_CLIENT_FILE). Prints an address to open in a web browser and waits for the sign-in (5 minutes at most); read-only access; the access token is never stored."), tr("CLIENT.json")};
    QCommandLineOption sheetsApiBase{QStringLiteral("sheets-api-base"), tr("The Google Sheets API address; default https://sheets.googleapis.com. Only Google's own https addresses receive the sign-in, or (for tests) a server on this computer named by $TT_GOOGLE_TEST_SERVER."), tr("URL")};
    QCommandLineOption env{QStringLiteral("env"), tr("TrackTally's .env file: with no file to import, reads the sheet SHEET_ID with the service account of GOOGLE_SERVICE_ACCOUNT_EMAIL and GOOGLE_SERVICE_ACCOUNT_PRIVATE_KEY (no JSON key; the key stays in memory); ALLOWED_GOOGLE_DOMAIN is the domain unless --domain is given; ADMIN_EMAILS and SUPER_ADMIN_EMAILS are kept for the roster. The project remembers the file's path, never a value from it."), tr("FILE")};

    QList<QCommandLineOption> all() const
    {
        return {project, school, domain, timezone, dateOrder, incidents, commendations, workbook, sheetId,
                serviceAccount, oauthClient, sheetsApiBase, env};
    }
    bool hasFiles(const QCommandLineParser &p) const
    {
        return p.isSet(incidents) || p.isSet(commendations) || p.isSet(workbook) || p.isSet(sheetId);
    }
};

// Problems with the flags themselves (exit 2), or an empty string.
QString usageProblem(const QCommandLineParser &p, const ImportOptions &o, const QString &clientFile)
{
    if (p.isSet(o.timezone) && !QTimeZone(p.value(o.timezone).toUtf8()).isValid())
        return tr("'%1' is not a time zone name; use an IANA name such as Australia/Melbourne.").arg(p.value(o.timezone));
    if (p.isSet(o.dateOrder) && !QStringList{QStringLiteral("auto"), QStringLiteral("dmy"), QStringLiteral("mdy")}.contains(p.value(o.dateOrder)))
        return tr("--date-order must be auto, dmy or mdy.");
    if (p.isSet(o.serviceAccount) && p.isSet(o.oauthClient))
        return tr("use either --service-account or --oauth-client, not both.");
    const bool sheetCredentials = p.isSet(o.serviceAccount) || !clientFile.isEmpty() || p.isSet(o.env);
    if ((p.isSet(o.sheetId) && !sheetCredentials) ||
        (!p.isSet(o.sheetId) && (p.isSet(o.serviceAccount) || p.isSet(o.oauthClient))))
        return tr("--sheet-id goes with --service-account, --oauth-client or --env.");
    return {};
}

// Reads --env and says what it holds (secrets redacted) and every line that cannot be used.
std::optional<EnvConfig> readEnv(const QCommandLineParser &p, const ImportOptions &o)
{
    if (!p.isSet(o.env))
        return std::nullopt;
    EnvConfig env = EnvConfig::load(p.value(o.env));
    out() << tr("From %1:").arg(env.path()) << "\n";
    for (const QString &line : env.summary())
        out() << "  " << line << "\n";
    for (const QString &problem : env.problemMessages())
        err() << tr("warning: %1").arg(problem) << "\n";
    err().flush();
    return env;
}

// The project to import into: the existing file, or a new one (--school, and --domain or the .env's domain).
// nullopt after printing a usage problem.
std::optional<Project> openOrCreate(const QCommandLineParser &p, const ImportOptions &o, const EnvConfig *env)
{
    const QString path = p.value(o.project);
    const QString domain = p.isSet(o.domain) ? p.value(o.domain).trimmed().toLower()
                           : env                ? env->domain().text
                                                : QString();
    if (!QFileInfo::exists(path)) {
        if (!p.isSet(o.school) || domain.isEmpty()) {
            err() << "import: " << tr("a new project needs --school and --domain (or --env with ALLOWED_GOOGLE_DOMAIN).") << Qt::endl;
            return std::nullopt;
        }
        return Project::create(SchoolInfo{p.value(o.school).trimmed(), domain,
                                          p.isSet(o.timezone) ? p.value(o.timezone) : QString::fromUtf8(QTimeZone::systemTimeZoneId())});
    }
    Project proj = loadProjectFile(path);
    const SchoolInfo &s = proj.school();
    if (p.isSet(o.domain) && domain != s.domain)
        throw UserError(tr("%1 is the project of %2 (%3), not of %4.").arg(path, s.name, s.domain, p.value(o.domain)));
    if (p.isSet(o.timezone) && p.value(o.timezone) != s.timeZone && !proj.records().empty())
        throw UserError(tr("%1 already holds rows read in the time zone %2; start a new project to use %3.")
                            .arg(path, s.timeZone, p.value(o.timezone)));
    if (p.isSet(o.timezone) || p.isSet(o.school)) {
        SchoolInfo changed = s;
        if (p.isSet(o.timezone))
            changed.timeZone = p.value(o.timezone);
        if (p.isSet(o.school))
            changed.name = p.value(o.school).trimmed();
        proj.setSchool(changed);
    }
    return proj;
}

std::vector<ImportOutcome> importSources(const QCommandLineParser &p, const ImportOptions &o, Project &proj,
                                         const QString &clientFile, const EnvConfig *env, Progress *cancel)
{
    Importer importer(proj);
    std::vector<ImportOutcome> outcomes;
    std::vector<Importer::CsvFile> csv; // read two at a time (two cores), imported in this order
    for (const QString &f : p.values(o.incidents))
        csv.push_back({f, RecordType::Incident});
    for (const QString &f : p.values(o.commendations))
        csv.push_back({f, RecordType::Commendation});
    outcomes = importer.importCsvFiles(csv, cancel);
    for (const QString &f : p.values(o.workbook)) {
        auto more = importer.importWorkbook(f, cancel);
        outcomes.insert(outcomes.end(), more.begin(), more.end());
    }
    // The sheet: --sheet-id, or with --env alone the .env's SHEET_ID.
    const bool fromEnv = env && !p.isSet(o.serviceAccount) && clientFile.isEmpty();
    if (!p.isSet(o.sheetId) && !(env && !o.hasFiles(p)))
        return outcomes;
    SheetsApiOptions api;
    if (p.isSet(o.sheetsApiBase))
        api.apiBase = p.value(o.sheetsApiBase);
    const QString id = p.isSet(o.sheetId) ? p.value(o.sheetId) : env->sheetId().text;
    if (!p.isSet(o.sheetId) && !env->canReadSheet())
        throw UserError(env->sheetProblem());
    std::vector<ImportOutcome> more;
    if (fromEnv) {
        out() << tr("Reading the sheet %1 as %2 (the service account of %3).")
                     .arg(spreadsheetIdFromText(id), env->clientEmail().text, env->fileName())
              << Qt::endl;
        more = importFromSheetsApi(proj, id, env->serviceAccountKey(), env->path(), api, cancel);
    } else if (clientFile.isEmpty()) {
        more = importFromSheetsApi(proj, id, p.value(o.serviceAccount), api, cancel);
    } else {
        more = importFromSheetsApi(proj, id, signInWithGoogle(clientFile), api, cancel);
    }
    outcomes.insert(outcomes.end(), more.begin(), more.end());
    return outcomes;
}

// What the .env adds to the project after the import: its path, the administrators and operators, and
// warnings when the school's domain disagrees with ALLOWED_GOOGLE_DOMAIN.
void applyEnv(const QCommandLineParser &p, const ImportOptions &o, const EnvConfig &env, Project &proj)
{
    env.rememberIn(proj);
    const AccountLists lists = env.accountLists();
    if (!lists.isEmpty())
        setProjectAccountLists(proj, lists);
    const QString given = p.isSet(o.domain) ? p.value(o.domain) : proj.school().domain;
    for (const QString &w : env.domainWarnings(given, proj.acceptedRecords()))
        err() << tr("warning: %1").arg(w) << Qt::endl;
}

void printOutcomes(const QString &path, const Project &proj, const std::vector<ImportOutcome> &outcomes)
{
    for (const ImportOutcome &o : outcomes) {
        // Counts after every source is in (duplicates across sources are settled only then).
        ImportOutcome now = o;
        now.counts = proj.counts(o.sourceIndex);
        out() << describe(now) << "\n";
        for (const QString &n : o.notes)
            out() << "  " << n << "\n";
    }
    const RowCounts c = proj.counts();
    out() << tr("Project %1 (%2): %3 rows read = %4 accepted + %5 identical duplicates + %6 conflicting "
                "duplicates + %7 quarantined; %8 incidents, %9 commendations.")
                 .arg(path, proj.school().name)
                 .arg(c.read)
                 .arg(c.accepted)
                 .arg(c.duplicatesIdentical)
                 .arg(c.duplicatesConflicting)
                 .arg(c.quarantined)
                 .arg(proj.acceptedOfType(RecordType::Incident))
                 .arg(proj.acceptedOfType(RecordType::Commendation))
          << Qt::endl;
}

} // namespace

int runImport(const QStringList &args)
{
    QCommandLineParser p;
    const ImportOptions o;
    p.addOptions(o.all());
    if (int rc = parse(p, QStringLiteral("import"), tr("Imports TrackTally sheet exports into a recovery project. "
                                                        "Importing the same file twice adds nothing."),
                       args, {QStringLiteral("project")});
        rc >= 0)
        return rc;
    // The OAuth client: --oauth-client, else the one this computer is set up with ($TT_GOOGLE_CLIENT_FILE).
    const QString clientFile = p.isSet(o.oauthClient) ? p.value(o.oauthClient)
                               : p.isSet(o.sheetId) && !p.isSet(o.serviceAccount) && !p.isSet(o.env)
                                   ? OAuthClient::configuredFile()
                                   : QString();
    if (const QString problem = usageProblem(p, o, clientFile); !problem.isEmpty()) {
        err() << "import: " << problem << Qt::endl;
        return Usage;
    }
    return guarded([&]() -> int {
        const QString path = p.value(o.project);
        const std::optional<EnvConfig> env = readEnv(p, o);
        std::optional<Project> proj = openOrCreate(p, o, env ? &*env : nullptr);
        if (!proj)
            return int(Usage);
        if (p.isSet(o.dateOrder))
            proj->setDateOrder(dateOrderFromKey(p.value(o.dateOrder)));
        CliCancel cancel; // Ctrl+C: stop before anything is saved
        const std::vector<ImportOutcome> outcomes = importSources(p, o, *proj, clientFile, env ? &*env : nullptr, &cancel);
        if (env)
            applyEnv(p, o, *env, *proj);
        checkCancel(&cancel); // a Ctrl+C that came after the last check: still nothing is saved
        proj->save(path);
        printOutcomes(path, *proj, outcomes);
        if (!proj->counts().balanced()) {
            err() << tr("Internal error: the row accounting does not balance. Please report this.") << Qt::endl;
            return int(UserFailure);
        }
        return int(Ok);
    });
}

} // namespace tt::cli
