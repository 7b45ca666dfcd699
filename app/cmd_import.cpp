// tracktally-recovery import: creates or updates a project from sheet exports.
#include "cli.h"

#include "common/errors.h"
#include "project/project.h"
#include "import/importer.h"
#include "import/sheetsimport.h"
#include "sheets/sheetsapi.h"
#include "sheets/usersignin.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QProcess>
#include <QFileInfo>
#include <QTimeZone>
#include <QTimer>

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

int runImport(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption project(QStringLiteral("project"), tr("The project file to create or update."), tr("FILE"));
    const QCommandLineOption school(QStringLiteral("school"), tr("The school's name (needed for a new project)."), tr("NAME"));
    const QCommandLineOption domain(QStringLiteral("domain"), tr("The school's domain, e.g. wattlegrove.example.edu.au (needed for a new project)."), tr("DOMAIN"));
    const QCommandLineOption timezone(QStringLiteral("timezone"), tr("The school's time zone (IANA name, e.g. Australia/Melbourne); default: this computer's."), tr("TZ"));
    const QCommandLineOption dateOrder(QStringLiteral("date-order"), tr("How dates typed into the sheet are written: auto (decide from the data), dmy or mdy."), tr("ORDER"));
    const QCommandLineOption incidents(QStringLiteral("incidents"), tr("A CSV download of the Incidents tab (may be repeated)."), tr("CSV"));
    const QCommandLineOption commendations(QStringLiteral("commendations"), tr("A CSV download of the Commendations tab (may be repeated)."), tr("CSV"));
    const QCommandLineOption workbook(QStringLiteral("workbook"), tr("An XLSX download of the whole spreadsheet (may be repeated)."), tr("XLSX"));
    const QCommandLineOption sheetId(QStringLiteral("sheet-id"), tr("Read both tabs straight from Google Sheets: the spreadsheet's link or id (needs --service-account or --oauth-client)."), tr("ID_OR_URL"));
    const QCommandLineOption serviceAccount(QStringLiteral("service-account"), tr("The service account's JSON key file, for --sheet-id (its path is remembered, never its content)."), tr("KEY.json"));
    const QCommandLineOption oauthClient(QStringLiteral("oauth-client"), tr("For --sheet-id: sign in with your own Google account instead of a service account, with this OAuth client file (a \"Desktop app\" client's JSON from the Google Cloud console; default: $TT_GOOGLE_CLIENT_FILE). Prints an address to open in a web browser and waits for the sign-in (5 minutes at most); read-only access; the access token is never stored."), tr("CLIENT.json"));
    const QCommandLineOption sheetsApiBase(QStringLiteral("sheets-api-base"), tr("The Google Sheets API address (for tests); default https://sheets.googleapis.com."), tr("URL"));
    p.addOptions({project, school, domain, timezone, dateOrder, incidents, commendations, workbook, sheetId, serviceAccount, oauthClient, sheetsApiBase});
    if (int rc = parse(p, QStringLiteral("import"), tr("Imports TrackTally sheet exports into a recovery project. "
                                                        "Importing the same file twice adds nothing."),
                       args, {QStringLiteral("project")});
        rc >= 0)
        return rc;
    if (p.isSet(timezone) && !QTimeZone(p.value(timezone).toUtf8()).isValid()) {
        err() << "import: " << tr("'%1' is not a time zone name; use an IANA name such as Australia/Melbourne.").arg(p.value(timezone)) << Qt::endl;
        return Usage;
    }
    if (p.isSet(dateOrder) && !QStringList{QStringLiteral("auto"), QStringLiteral("dmy"), QStringLiteral("mdy")}.contains(p.value(dateOrder))) {
        err() << "import: " << tr("--date-order must be auto, dmy or mdy.") << Qt::endl;
        return Usage;
    }
    // The OAuth client: --oauth-client, else the one this computer is set up with ($TT_GOOGLE_CLIENT_FILE).
    const QString clientFile = p.isSet(oauthClient) ? p.value(oauthClient)
                               : p.isSet(sheetId) && !p.isSet(serviceAccount) ? OAuthClient::configuredFile()
                                                                              : QString();
    if (p.isSet(serviceAccount) && p.isSet(oauthClient)) {
        err() << "import: " << tr("use either --service-account or --oauth-client, not both.") << Qt::endl;
        return Usage;
    }
    if ((p.isSet(sheetId) && !p.isSet(serviceAccount) && clientFile.isEmpty()) ||
        (!p.isSet(sheetId) && (p.isSet(serviceAccount) || p.isSet(oauthClient)))) {
        err() << "import: " << tr("--sheet-id goes with --service-account or --oauth-client.") << Qt::endl;
        return Usage;
    }
    return guarded([&]() -> int {
        const QString path = p.value(project);
        const bool exists = QFileInfo::exists(path);
        Project proj = exists ? Project::load(path) : Project();
        if (!exists) {
            if (!p.isSet(school) || !p.isSet(domain)) {
                err() << "import: " << tr("a new project needs --school and --domain.") << Qt::endl;
                return int(Usage);
            }
            proj = Project::create(SchoolInfo{p.value(school).trimmed(), p.value(domain).trimmed().toLower(),
                                              p.isSet(timezone) ? p.value(timezone) : QString::fromUtf8(QTimeZone::systemTimeZoneId())});
        } else {
            const SchoolInfo &s = proj.school();
            if (p.isSet(domain) && p.value(domain).trimmed().toLower() != s.domain)
                throw UserError(tr("%1 is the project of %2 (%3), not of %4.").arg(path, s.name, s.domain, p.value(domain)));
            if (p.isSet(timezone) && p.value(timezone) != s.timeZone && !proj.records().empty())
                throw UserError(tr("%1 already holds rows read in the time zone %2; start a new project to use %3.")
                                    .arg(path, s.timeZone, p.value(timezone)));
            if (p.isSet(timezone) || p.isSet(school)) {
                SchoolInfo changed = s;
                if (p.isSet(timezone))
                    changed.timeZone = p.value(timezone);
                if (p.isSet(school))
                    changed.name = p.value(school).trimmed();
                proj.setSchool(changed);
            }
        }
        if (p.isSet(dateOrder))
            proj.setDateOrder(dateOrderFromKey(p.value(dateOrder)));

        Importer importer(proj);
        CliCancel cancel; // Ctrl+C: stop before anything is saved
        std::vector<ImportOutcome> outcomes;
        for (const QString &f : p.values(incidents))
            outcomes.push_back(importer.importCsv(f, RecordType::Incident, &cancel));
        for (const QString &f : p.values(commendations))
            outcomes.push_back(importer.importCsv(f, RecordType::Commendation, &cancel));
        for (const QString &f : p.values(workbook)) {
            auto more = importer.importWorkbook(f, &cancel);
            outcomes.insert(outcomes.end(), more.begin(), more.end());
        }
        if (p.isSet(sheetId)) {
            SheetsApiOptions api;
            if (p.isSet(sheetsApiBase))
                api.apiBase = p.value(sheetsApiBase);
            auto more = clientFile.isEmpty()
                            ? importFromSheetsApi(proj, p.value(sheetId), p.value(serviceAccount), api, &cancel)
                            : importFromSheetsApi(proj, p.value(sheetId), signInWithGoogle(clientFile), api, &cancel);
            outcomes.insert(outcomes.end(), more.begin(), more.end());
        }
        checkCancel(&cancel); // a Ctrl+C that came after the last check: still nothing is saved
        proj.save(path);
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
        if (!c.balanced()) {
            err() << tr("Internal error: the row accounting does not balance. Please report this.") << Qt::endl;
            return int(UserFailure);
        }
        return int(Ok);
    });
}

} // namespace tt::cli
