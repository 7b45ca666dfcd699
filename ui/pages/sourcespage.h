#pragma once
// Step 2: the sheet exports (CSV per tab, or an XLSX workbook), a preview, and one column combo per field.
#include "records/field.h"
#include "wizardpage.h"

#include <array>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace tt {
class RosterSession;
class SourcesSession;
}

namespace tt::ui {

class PreviewModel;

class SourcesPage : public WizardPage
{
    Q_OBJECT
public:
    // roster: for "Use a roster snapshot…" (may be null: the button is not shown).
    SourcesPage(RecoverySession *session, SourcesSession *config, RosterSession *roster = nullptr,
                QWidget *parent = nullptr);
    // Takes a roster snapshot folder (written by 'snapshot' or Protect a database) as the school's own records.
    void useSnapshot(const QString &dir);
    bool isComplete() const override;
    bool validatePage() override;
    QString attention() const override;

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void addFiles();
    void addGoogleSheet();
    void chooseSnapshot();
    void refreshSources();
    void refreshMapping();
    void refreshPreview();

    SourcesSession *m_config;
    RosterSession *m_roster;
    QLabel *m_snapshotNote = nullptr;
    QComboBox *m_sources;
    QComboBox *m_fallbackType;
    QLabel *m_header;
    QLabel *m_notes;
    QTableView *m_preview;
    PreviewModel *m_previewModel;
    std::array<QComboBox *, FieldCount> m_fields{};
    QLabel *m_problems;
    QPushButton *m_apply;
    QPushButton *m_revert;
    bool m_updating = false;
};

} // namespace tt::ui
