#include "import/sheetsimport.h"

#include "common/errors.h"
#include "project/project.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <nlohmann/json.hpp>

namespace tt {
namespace {

QString tr(const char *t)
{
    return QCoreApplication::translate("tt::SheetsApi", t);
}
QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

const QString kIncidents = QStringLiteral("Incidents");
const QString kCommendations = QStringLiteral("Commendations");

} // namespace

SheetsApiSettings SheetsApiSettings::fromProject(const Project &project)
{
    SheetsApiSettings s;
    const nlohmann::json *j = project.section("sheetsApi");
    if (!j || !j->is_object())
        return s;
    auto get = [j](const char *k) {
        return j->contains(k) && (*j)[k].is_string() ? q((*j)[k].get<std::string>()) : QString();
    };
    s.spreadsheetId = get("spreadsheetId");
    s.keyFile = get("serviceAccountKeyFile");
    s.oauthClientFile = get("oauthClientFile");
    s.envFile = get("envFile");
    s.apiBase = get("apiBase");
    return s;
}

void SheetsApiSettings::saveTo(Project &project) const
{
    nlohmann::json j = {{"spreadsheetId", spreadsheetId.toStdString()},
                        {"serviceAccountKeyFile", keyFile.toStdString()}};
    if (!oauthClientFile.isEmpty())
        j["oauthClientFile"] = oauthClientFile.toStdString(); // the path only; the secret stays in the file
    if (!envFile.isEmpty())
        j["envFile"] = envFile.toStdString(); // the path only; the key stays in the file
    if (!apiBase.isEmpty() && apiBase != SheetsApiOptions{}.apiBase)
        j["apiBase"] = apiBase.toStdString();
    project.section("sheetsApi") = j;
}

namespace {

// Fetches both tabs before importing anything (a failure leaves the project as it was), then imports them.
std::vector<ImportOutcome> fetchAndImport(Project &project, const QString &id, SheetsApiClient &client,
                                          const SheetsApiSettings &settings, Progress *progress)
{
    std::vector<std::pair<SheetValues, RecordType>> fetched;
    QStringList missing;
    for (const auto &[tab, type] :
         {std::pair{kIncidents, RecordType::Incident}, std::pair{kCommendations, RecordType::Commendation}}) {
        auto v = client.fetchValues(id, tab, progress);
        if (v)
            fetched.emplace_back(std::move(*v), type);
        else
            missing << tab;
    }
    if (fetched.empty())
        throw UserError(
            tr("The spreadsheet %1 has no tab named Incidents or Commendations. Check that you pasted "
               "the link of the TrackTally sheet.")
                .arg(id));
    settings.saveTo(project);
    Importer importer(project);
    std::vector<ImportOutcome> outcomes;
    for (const auto &[v, type] : fetched) {
        ImportOutcome o = importer.importRows(u"sheets:"_qs + id, QStringLiteral("sheets-api"), v.sheet, type,
                                              v.sha256, v.rows, progress);
        const QString note = tr("Fetched %1 from Google Sheets at %2 UTC (%3 rows).")
                                 .arg(v.range.isEmpty() ? v.sheet : v.range,
                                      v.fetchedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
                                 .arg(v.rows.size());
        o.notes.prepend(note);
        if (!o.alreadyImported && o.sourceIndex >= 0)
            project.mutableSources()[size_t(o.sourceIndex)].notes.prepend(note);
        outcomes.push_back(std::move(o));
    }
    if (!missing.isEmpty() && !outcomes.empty())
        outcomes.front().notes
            << tr("The spreadsheet has no tab named %1; it was skipped.").arg(missing.join(u", "_qs));
    return outcomes;
}

} // namespace

std::vector<ImportOutcome> importFromSheetsApi(Project &project, const QString &spreadsheetIdOrUrl,
                                               const QString &keyFile, const SheetsApiOptions &options,
                                               Progress *progress)
{
    const QString id = spreadsheetIdFromText(spreadsheetIdOrUrl);
    SheetsApiClient client(ServiceAccountKey::load(keyFile), options);
    SheetsApiSettings settings = SheetsApiSettings::fromProject(project);
    settings.spreadsheetId = id;
    settings.keyFile = QFileInfo(keyFile).absoluteFilePath();
    settings.envFile.clear();
    settings.apiBase = options.apiBase == SheetsApiOptions{}.apiBase ? QString() : options.apiBase;
    return fetchAndImport(project, id, client, settings, progress);
}

std::vector<ImportOutcome> importFromSheetsApi(Project &project, const QString &spreadsheetIdOrUrl,
                                               const ServiceAccountKey &key, const QString &credentialsFile,
                                               const SheetsApiOptions &options, Progress *progress)
{
    const QString id = spreadsheetIdFromText(spreadsheetIdOrUrl);
    SheetsApiClient client(key, options);
    SheetsApiSettings settings = SheetsApiSettings::fromProject(project);
    settings.spreadsheetId = id;
    settings.keyFile.clear();
    settings.envFile = QFileInfo(credentialsFile).absoluteFilePath();
    settings.apiBase = options.apiBase == SheetsApiOptions{}.apiBase ? QString() : options.apiBase;
    return fetchAndImport(project, id, client, settings, progress);
}

std::vector<ImportOutcome> importFromSheetsApi(Project &project, const QString &spreadsheetIdOrUrl,
                                               const UserAccessToken &token, const SheetsApiOptions &options,
                                               Progress *progress)
{
    const QString id = spreadsheetIdFromText(spreadsheetIdOrUrl);
    SheetsApiClient client(token, options);
    SheetsApiSettings settings = SheetsApiSettings::fromProject(project);
    settings.spreadsheetId = id;
    if (!token.clientFile.isEmpty())
        settings.oauthClientFile = QFileInfo(token.clientFile).absoluteFilePath();
    settings.apiBase = options.apiBase == SheetsApiOptions{}.apiBase ? QString() : options.apiBase;
    return fetchAndImport(project, id, client, settings, progress);
}

} // namespace tt
