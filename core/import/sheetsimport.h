#pragma once
// Importing straight from Google Sheets: fetches both tabs with the Sheets API client (sheets/sheetsapi.h)
// and puts their rows through the same Importer as CSV/XLSX. What to fetch again is remembered in the project.
#include "common/progress.h"
#include "import/importer.h"
#include "sheets/sheetsapi.h"

#include <vector>

namespace tt {

// What the project remembers to fetch again (never the key's content, never a token): section "sheetsApi".
struct SheetsApiSettings
{
    QString spreadsheetId;
    QString keyFile;
    QString oauthClientFile; // the OAuth client file of the last user sign-in (path only)
    QString envFile;         // the deployment's .env whose service account read the sheet (path only)
    QString apiBase;         // empty: the default

    static SheetsApiSettings fromProject(const Project &project);
    void saveTo(Project &project) const;
};

// Fetches both tabs (Incidents, Commendations), then imports what it got with identity "sheets:<id>",
// kind "sheets-api"; the fetch time is in each outcome's notes. A tab the spreadsheet lacks is skipped with a
// note; neither tab is an error. Re-importing unchanged values adds nothing. Remembers the settings.
std::vector<ImportOutcome> importFromSheetsApi(Project &project, const QString &spreadsheetIdOrUrl,
                                               const QString &keyFile, const SheetsApiOptions &options = {},
                                               Progress *progress = nullptr);

// The same with a service-account key that did not come from a JSON file (TrackTally's .env holds the
// address and the PEM key): credentialsFile is the file it came from, remembered as "envFile" (the path only).
std::vector<ImportOutcome> importFromSheetsApi(Project &project, const QString &spreadsheetIdOrUrl,
                                               const ServiceAccountKey &key, const QString &credentialsFile,
                                               const SheetsApiOptions &options = {}, Progress *progress = nullptr);

// The same with the access token of a user who signed in with Google (UserSignIn): 403 means the user's
// account has no access to the spreadsheet. Remembers the client file's path (never the token).
std::vector<ImportOutcome> importFromSheetsApi(Project &project, const QString &spreadsheetIdOrUrl,
                                               const UserAccessToken &token, const SheetsApiOptions &options = {},
                                               Progress *progress = nullptr);

} // namespace tt
