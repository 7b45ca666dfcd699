#include "sourcessession.h"

#include "common/errors.h"
#include "import/importer.h"
#include "import/sheetsimport.h"
#include "sheets/sheetsapi.h"
#include "recoverysession.h"
#include "sheets/csvreader.h"
#include "sheets/xlsxreader.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLocale>
#include <QThread>

namespace tt {

SourcesSession::SourcesSession(RecoverySession *session, QObject *parent) : QObject(parent), m_session(session)
{
    connect(session, &RecoverySession::projectOpened, this, [this] {
        m_selected = -1;
        refresh();
    });
    connect(session, &RecoverySession::taskFinished, this, [this] { refresh(); });
}

SourcesSession::~SourcesSession()
{
    if (m_previewThread)
        m_previewThread->wait();
}

bool SourcesSession::isSupportedFile(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == u"csv" || suffix == u"tsv" || suffix == u"txt" || suffix == u"xlsx";
}

namespace {

QString describeOutcomes(const std::vector<ImportOutcome> &outcomes)
{
    QStringList lines;
    for (const ImportOutcome &o : outcomes) {
        if (o.alreadyImported)
            lines << QCoreApplication::translate("tt::SourcesSession", "%1 was already in the project; nothing was added.")
                         .arg(o.displayName);
        else
            lines << QCoreApplication::translate("tt::SourcesSession", "%1: %L2 rows read, %L3 accepted, %L4 quarantined.")
                         .arg(o.displayName)
                         .arg(o.counts.read)
                         .arg(o.counts.accepted)
                         .arg(o.counts.quarantined);
    }
    return lines.join(u'\n');
}

} // namespace

bool SourcesSession::addFiles(const QStringList &paths, RecordType fallback)
{
    if (paths.isEmpty() || !m_session->hasProject())
        return false;
    return m_session->runTask(tr("Reading the sheet exports"), [paths, fallback](Project &project, Progress *progress) {
        Importer importer(project);
        QStringList lines;
        auto isXlsx = [](const QString &path) { return QFileInfo(path).suffix().compare(u"xlsx", Qt::CaseInsensitive) == 0; };
        for (qsizetype i = 0; i < paths.size();) {
            checkCancel(progress);
            std::vector<std::vector<ImportOutcome>> perFile;
            if (isXlsx(paths[i])) {
                perFile.push_back(importer.importWorkbook(paths[i++], progress));
            } else {
                // A run of CSV files is read two at a time (two cores), imported in the order given.
                std::vector<Importer::CsvFile> csv;
                for (; i < paths.size() && !isXlsx(paths[i]); ++i)
                    csv.push_back({paths[i], typeFromFileName(paths[i]).value_or(fallback)});
                for (ImportOutcome &o : importer.importCsvFiles(csv, progress))
                    perFile.push_back({std::move(o)});
            }
            for (const auto &outcomes : perFile)
                if (const QString text = describeOutcomes(outcomes); !text.isEmpty())
                    lines << text;
        }
        return lines.join(u'\n');
    });
}


bool SourcesSession::addGoogleSheet(const QString &spreadsheetIdOrUrl, const QString &keyFile, const QString &apiBase)
{
    if (!m_session->hasProject())
        return false;
    return m_session->runTask(tr("Reading the Google Sheet"), [spreadsheetIdOrUrl, keyFile, apiBase](Project &project, Progress *progress) {
        SheetsApiOptions options;
        if (!apiBase.isEmpty())
            options.apiBase = apiBase;
        return describeOutcomes(importFromSheetsApi(project, spreadsheetIdOrUrl, keyFile, options, progress));
    });
}

bool SourcesSession::addGoogleSheetWithToken(const QString &spreadsheetIdOrUrl, const UserAccessToken &token,
                                            const QString &apiBase)
{
    if (!m_session->hasProject())
        return false;
    return m_session->runTask(tr("Reading the Google Sheet"), [spreadsheetIdOrUrl, token, apiBase](Project &project, Progress *progress) {
        SheetsApiOptions options;
        if (!apiBase.isEmpty())
            options.apiBase = apiBase;
        return describeOutcomes(importFromSheetsApi(project, spreadsheetIdOrUrl, token, options, progress));
    });
}

QString SourcesSession::lastSpreadsheet() const
{
    return m_session->hasProject() ? SheetsApiSettings::fromProject(m_session->project()).spreadsheetId : QString();
}

QString SourcesSession::lastKeyFile() const
{
    return m_session->hasProject() ? SheetsApiSettings::fromProject(m_session->project()).keyFile : QString();
}

QString SourcesSession::lastOAuthClientFile() const
{
    return m_session->hasProject() ? SheetsApiSettings::fromProject(m_session->project()).oauthClientFile : QString();
}

QString SourcesSession::lastApiBase() const
{
    return m_session->hasProject() ? SheetsApiSettings::fromProject(m_session->project()).apiBase : QString();
}

int SourcesSession::sourceCount() const
{
    return m_session->hasProject() ? int(m_session->project().sources().size()) : 0;
}

QString SourcesSession::sourceLabel(int index) const
{
    if (index < 0 || index >= sourceCount())
        return {};
    const SourceInfo &src = m_session->project().sources()[size_t(index)];
    const RowCounts c = m_session->project().counts(index);
    const QString tab = src.type == RecordType::Incident ? tr("Incidents") : tr("Commendations");
    return tr("%1 (%2): %L3 rows read").arg(src.displayName(), tab).arg(c.read);
}

void SourcesSession::select(int index)
{
    if (index >= sourceCount())
        index = sourceCount() - 1;
    if (index == m_selected && index >= 0 && !m_preview.empty())
        return;
    m_selected = index;
    m_mapping = index >= 0 ? m_session->project().sources()[size_t(index)].mapping : ColumnMapping{};
    emit selectionChanged();
    emit mappingChanged();
    loadPreview();
    emit readyChanged();
}

void SourcesSession::refresh()
{
    const int count = sourceCount();
    emit sourcesChanged();
    const int want = m_selected < 0 ? (count > 0 ? 0 : -1) : qMin(m_selected, count - 1);
    m_selected = -2; // force a reload: the source may have been re-read
    select(want);
    const bool r = isReady();
    if (r != m_lastReady) {
        m_lastReady = r;
        emit readyChanged();
    }
}

void SourcesSession::loadPreview()
{
    if (m_previewThread) {
        m_previewThread->wait();
        m_previewThread.reset();
    }
    m_preview.clear();
    m_previewColumns = 0;
    m_previewError.clear();
    if (m_selected < 0) {
        emit previewChanged();
        return;
    }
    const SourceInfo src = m_session->project().sources()[size_t(m_selected)];
    struct Result
    {
        std::vector<SheetRow> rows;
        QString error;
    };
    auto result = std::make_shared<Result>();
    m_previewThread.reset(QThread::create([src, result] {
        try {
            RowSink sink = [&](SheetRow &row) {
                if (row.isBlank())
                    return true;
                result->rows.push_back(std::move(row));
                return result->rows.size() < size_t(PreviewRows);
            };
            if (src.kind == u"xlsx") {
                XlsxReader reader(src.path);
                reader.readSheet(src.sheet, sink);
            } else if (src.kind == u"csv") {
                CsvReader reader(src.path);
                reader.read(sink);
            } else {
                result->error = QCoreApplication::translate("tt::SourcesSession", "No preview for this kind of source.");
            }
        } catch (const std::exception &e) {
            result->error = describeError(e);
        }
    }));
    QThread *thread = m_previewThread.get();
    connect(thread, &QThread::finished, this, [this, thread, result] {
        if (m_previewThread.get() != thread)
            return;
        m_previewThread->wait();
        m_previewThread.reset();
        m_preview = std::move(result->rows);
        m_previewError = result->error;
        m_previewColumns = 0;
        for (const SheetRow &r : m_preview)
            m_previewColumns = qMax(m_previewColumns, int(r.cells.size()));
        emit previewChanged();
    }, Qt::QueuedConnection);
    thread->start();
}

void SourcesSession::setColumn(Field field, int column)
{
    if (m_mapping.column(field) == column)
        return;
    m_mapping.setColumn(field, column);
    emit mappingChanged();
    const bool r = isReady();
    if (r != m_lastReady) {
        m_lastReady = r;
        emit readyChanged();
    }
}

bool SourcesSession::mappingDirty() const
{
    return m_selected >= 0 && !(m_mapping == m_session->project().sources()[size_t(m_selected)].mapping);
}

bool SourcesSession::applyMapping()
{
    if (m_selected < 0 || !problems().isEmpty())
        return false;
    const int index = m_selected;
    const ColumnMapping mapping = m_mapping;
    return m_session->runTask(tr("Re-reading with the new columns"), [index, mapping](Project &project, Progress *progress) {
        Importer importer(project);
        const ImportOutcome o = importer.remap(index, mapping, progress);
        return QCoreApplication::translate("tt::SourcesSession", "%1 re-read: %L2 rows, %L3 accepted, %L4 quarantined.")
            .arg(o.displayName)
            .arg(o.counts.read)
            .arg(o.counts.accepted)
            .arg(o.counts.quarantined);
    });
}

void SourcesSession::revertMapping()
{
    if (m_selected < 0)
        return;
    m_mapping = m_session->project().sources()[size_t(m_selected)].mapping;
    emit mappingChanged();
    emit readyChanged();
}

QString SourcesSession::headerStatus() const
{
    if (m_selected < 0)
        return tr("Add the CSV or XLSX files downloaded from the TrackTally Google Sheet.");
    if (m_mapping.hasHeader())
        return tr("Header row found: columns are matched by their names. Check each field below.");
    return tr("No header row found: columns are read in TrackTally's order, A to L. Check each field below.");
}

QStringList SourcesSession::sourceNotes() const
{
    if (m_selected < 0)
        return {};
    return m_session->project().sources()[size_t(m_selected)].notes;
}

bool SourcesSession::isReady() const
{
    if (sourceCount() == 0)
        return false;
    return !mappingDirty() || problems().isEmpty();
}

} // namespace tt
