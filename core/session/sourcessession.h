#pragma once
// The Sources step: which files are in the project, a preview of the selected one, and its column mapping
// (one column per field; the same column chosen twice or a required field left out is reported).
#include "records/columnmapping.h"
#include "records/field.h"
#include "sheets/cell.h"
#include "sheets/sheetsapi.h"

#include <QObject>
#include <QStringList>
#include <memory>
#include <vector>

namespace tt {

class RecoverySession;

class SourcesSession : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int selected READ selected WRITE select NOTIFY selectionChanged)
    Q_PROPERTY(bool ready READ isReady NOTIFY readyChanged)

public:
    static constexpr int PreviewRows = 20;

    explicit SourcesSession(RecoverySession *session, QObject *parent = nullptr);
    ~SourcesSession() override;

    // Starts importing files on the worker: .xlsx as a workbook, anything else as the CSV of one tab
    // (the tab guessed from the file name, else `fallback`). Returns false when busy.
    bool addFiles(const QStringList &paths, RecordType fallback = RecordType::Incident);
    // Reads both tabs straight from Google Sheets with a service-account key (on the worker thread).
    // apiBase: empty = Google's; tests point it at a local fake server.
    bool addGoogleSheet(const QString &spreadsheetIdOrUrl, const QString &keyFile, const QString &apiBase = {});
    // The same as the user who signed in with Google (UserSignIn on the GUI thread, then this): the fetch and
    // import run on the worker exactly like the service-account path. The token stays in memory.
    bool addGoogleSheetWithToken(const QString &spreadsheetIdOrUrl, const UserAccessToken &token,
                                 const QString &apiBase = {});
    // The spreadsheet, key file, OAuth client file and API address last used in this project, to prefill the form.
    QString lastSpreadsheet() const;
    QString lastKeyFile() const;
    QString lastOAuthClientFile() const;
    QString lastApiBase() const; // empty: Google's
    static bool isSupportedFile(const QString &path);

    int sourceCount() const;
    QString sourceLabel(int index) const; // "incidents.csv — Incidents: 6,012 rows read"
    int selected() const { return m_selected; }
    void select(int index);

    // Preview of the selected source (first rows, read on a worker thread).
    const std::vector<SheetRow> &previewRows() const { return m_preview; }
    int previewColumns() const { return m_previewColumns; }
    QString previewError() const { return m_previewError; }

    // The mapping being edited for the selected source.
    const ColumnMapping &mapping() const { return m_mapping; }
    void setColumn(Field field, int column); // -1 = not in the sheet
    QStringList problems() const { return m_mapping.problems(); }
    bool mappingDirty() const;
    // Re-reads the selected source with the edited mapping (worker). False when busy or the mapping has problems.
    bool applyMapping();
    void revertMapping();
    // "Row 1 is a header: …" / "No header row: …" and the source's notes.
    QString headerStatus() const;
    QStringList sourceNotes() const;

    // Ready to go on: at least one source, and no mapping being edited with problems.
    bool isReady() const;

signals:
    void sourcesChanged();
    void selectionChanged();
    void previewChanged();
    void mappingChanged();
    void readyChanged();

private:
    void loadPreview();
    void refresh();

    RecoverySession *m_session;
    int m_selected = -1;
    ColumnMapping m_mapping;
    std::vector<SheetRow> m_preview;
    int m_previewColumns = 0;
    QString m_previewError;
    std::unique_ptr<class QThread> m_previewThread;
    bool m_lastReady = false;
};

} // namespace tt
