#include "sourcespage.h"
#include "theme.h"

#include "googlesheetdialog.h"
#include "models/previewmodel.h"
#include "records/columnmapping.h"
#include "roster/rostersnapshot.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"
#include "session/sourcessession.h"
#include "common/errors.h"

#include <QComboBox>
#include <QFileInfo>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLayout>
#include <QMimeData>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

namespace tt::ui {

SourcesPage::SourcesPage(RecoverySession *session, SourcesSession *config, RosterSession *roster, QWidget *parent)
    : WizardPage(session, parent), m_config(config), m_roster(roster)
{
    setObjectName(QStringLiteral("sourcesPage"));
    setTitle(tr("Sheet exports"));
    setSubTitle(tr("Add the files downloaded from the TrackTally Google Sheet: a CSV per tab, or the whole workbook as "
                   "XLSX (you can also drag them onto this page); or read the sheet itself with From Google Sheets."));
    setAcceptDrops(true);

    auto *add = new QPushButton(tr("&Add files…"), this);
    add->setObjectName(QStringLiteral("addFilesButton"));
    auto *google = new QPushButton(tr("From &Google Sheets…"), this);
    google->setObjectName(QStringLiteral("addGoogleSheetButton"));
    google->setToolTip(tr("Read both tabs straight from the spreadsheet with a service-account key"));
    m_fallbackType = new QComboBox(this);
    m_fallbackType->setObjectName(QStringLiteral("fallbackTypeCombo"));
    m_fallbackType->setAccessibleName(tr("Tab of CSV files whose name does not say"));
    m_fallbackType->addItem(tr("Incidents"), int(RecordType::Incident));
    m_fallbackType->addItem(tr("Commendations"), int(RecordType::Commendation));
    m_sources = new QComboBox(this);
    m_sources->setObjectName(QStringLiteral("sourceCombo"));
    m_sources->setAccessibleName(tr("Source shown below"));
    m_sources->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto *top = new QHBoxLayout;
    top->addWidget(add);
    top->addWidget(google);
    top->addWidget(new QLabel(tr("CSV files not named after a tab are:"), this));
    top->addWidget(m_fallbackType);
    top->addSpacing(16);
    auto *showLabel = new QLabel(tr("&Showing:"), this);
    showLabel->setBuddy(m_sources);
    top->addWidget(showLabel);
    top->addWidget(m_sources, 1);

    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("headerStatusLabel"));
    m_header->setWordWrap(true);
    m_notes = new QLabel(this);
    m_notes->setObjectName(QStringLiteral("sourceNotesLabel"));
    m_notes->setWordWrap(true);

    m_previewModel = new PreviewModel(this);
    m_preview = new QTableView(this);
    m_preview->setObjectName(QStringLiteral("previewView"));
    m_preview->setAccessibleName(tr("Preview of the first rows"));
    m_preview->setModel(m_previewModel);
    m_preview->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_preview->verticalHeader()->setDefaultSectionSize(22);
    m_preview->horizontalHeader()->setDefaultSectionSize(120);
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto *mapBox = new QGroupBox(tr("Which column holds each field"), this);
    auto *grid = new QGridLayout(mapBox);
    int i = 0;
    for (Field f : allFields()) {
        auto *combo = new QComboBox(mapBox);
        combo->setObjectName(QStringLiteral("fieldCombo_") + fieldKey(f));
        combo->setAccessibleName(tr("Column for %1").arg(fieldTitle(f)));
        auto *label = new QLabel(isRequiredField(f) ? tr("%1 *").arg(fieldTitle(f)) : fieldTitle(f), mapBox);
        label->setBuddy(combo);
        combo->setMinimumContentsLength(22);
        grid->addWidget(label, i / 3, (i % 3) * 2);
        grid->addWidget(combo, i / 3, (i % 3) * 2 + 1);
        m_fields[size_t(i)] = combo;
        connect(combo, &QComboBox::currentIndexChanged, this, [this, f, combo] {
            if (!m_updating)
                m_config->setColumn(f, combo->currentData().toInt());
        });
        ++i;
    }
    m_problems = new QLabel(mapBox);
    m_problems->setObjectName(QStringLiteral("mappingProblemsLabel"));
    m_problems->setWordWrap(true);
    theme::setProblem(m_problems, true);
    m_apply = new QPushButton(tr("Re-read with these columns"), mapBox);
    m_apply->setObjectName(QStringLiteral("applyMappingButton"));
    m_revert = new QPushButton(tr("Undo column changes"), mapBox);
    m_revert->setObjectName(QStringLiteral("revertMappingButton"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_problems, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    grid->addLayout(buttons, 4, 0, 1, 6);

    // The school's roster snapshot (optional): its own row, apart from the sheet's files.
    m_snapshotNote = new QLabel(this);
    m_snapshotNote->setObjectName(QStringLiteral("snapshotNoteLabel"));
    m_snapshotNote->setWordWrap(true);
    m_snapshotNote->setTextFormat(Qt::PlainText);
    m_snapshotNote->setText(tr("Optional: a roster snapshot taken before the loss (Protect a database ▸ Snapshot the "
                               "roster) makes the rebuilt teachers, classrooms and students exact."));
    m_snapshotNote->setStyleSheet(QStringLiteral("color: #555;"));
    auto *snapshotRow = new QHBoxLayout;
    if (m_roster) {
        auto *snapshot = new QPushButton(tr("Use a roster &snapshot…"), this);
        snapshot->setObjectName(QStringLiteral("useSnapshotButton"));
        snapshot->setToolTip(tr("A folder written by \"Snapshot the roster\" (Protect a database) or the snapshot "
                                "command: its teachers, classrooms and students are taken as the school's own "
                                "records, so the rebuilt roster is exact"));
        snapshotRow->addWidget(snapshot);
        snapshotRow->addWidget(m_snapshotNote, 1);
        connect(snapshot, &QPushButton::clicked, this, &SourcesPage::chooseSnapshot);
    } else {
        m_snapshotNote->hide();
    }

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(snapshotRow);
    layout->addWidget(m_header);
    layout->addWidget(m_notes);
    layout->addWidget(m_preview, 1);
    layout->addWidget(mapBox);

    connect(add, &QPushButton::clicked, this, &SourcesPage::addFiles);
    connect(google, &QPushButton::clicked, this, &SourcesPage::addGoogleSheet);
    connect(m_sources, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (!m_updating)
            m_config->select(index);
    });
    connect(m_apply, &QPushButton::clicked, m_config, &SourcesSession::applyMapping);
    connect(m_revert, &QPushButton::clicked, m_config, &SourcesSession::revertMapping);
    connect(m_config, &SourcesSession::sourcesChanged, this, &SourcesPage::refreshSources);
    connect(m_config, &SourcesSession::selectionChanged, this, &SourcesPage::refreshSources);
    connect(m_config, &SourcesSession::mappingChanged, this, &SourcesPage::refreshMapping);
    connect(m_config, &SourcesSession::previewChanged, this, &SourcesPage::refreshPreview);
    connect(m_config, &SourcesSession::readyChanged, this, &QWizardPage::completeChanged);
    refreshSources();
}

bool SourcesPage::isComplete() const
{
    return WizardPage::isComplete() && m_config->isReady();
}

bool SourcesPage::validatePage()
{
    if (m_config->mappingDirty()) {
        m_config->applyMapping(); // re-read first; Next goes on once it has finished
        return false;
    }
    return true;
}

QString SourcesPage::attention() const
{
    if (m_config->sourceCount() == 0)
        return tr("Add at least one file");
    if (m_config->mappingDirty())
        return tr("Column changes not applied yet");
    return {};
}

void SourcesPage::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void SourcesPage::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile() && SourcesSession::isSupportedFile(url.toLocalFile()))
            paths << url.toLocalFile();
    if (!paths.isEmpty()) {
        m_config->addFiles(paths, RecordType(m_fallbackType->currentData().toInt()));
        event->acceptProposedAction();
    }
}

void SourcesPage::addFiles()
{
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Add sheet exports"), QString(),
                                                            tr("Sheet exports (*.csv *.xlsx *.tsv *.txt);;All files (*)"));
    if (!paths.isEmpty())
        m_config->addFiles(paths, RecordType(m_fallbackType->currentData().toInt()));
}

void SourcesPage::addGoogleSheet()
{
    GoogleSheetDialog dialog(m_config, this);
    dialog.exec();
}

void SourcesPage::chooseSnapshot()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("The roster snapshot folder (with snapshot.json)"));
    if (!dir.isEmpty())
        useSnapshot(dir);
}

void SourcesPage::useSnapshot(const QString &dir)
{
    m_snapshotNote->show();
    m_snapshotNote->setStyleSheet(QStringLiteral("color: #a00000;"));
    if (!RosterSnapshot::looksLikeSnapshot(dir)) {
        m_snapshotNote->setText(tr("%1 is not a roster snapshot: it needs snapshot.json, teachers.csv, classrooms.csv "
                                   "and students.csv, as \"Snapshot the roster\" writes them.").arg(dir));
        return;
    }
    if (!m_roster->importSnapshot(dir)) {
        m_snapshotNote->setText(tr("Wait until the current work has finished, then choose the snapshot again."));
        return;
    }
    auto *pending = new QObject(this);
    connect(m_session, &RecoverySession::taskFinished, pending, [this, pending](const QString &, const QString &summary) {
        pending->deleteLater();
        m_snapshotNote->setStyleSheet(QStringLiteral("color: #146c2e;"));
        m_snapshotNote->setText(summary);
    });
    connect(m_session, &RecoverySession::taskFailed, pending, [this, pending](const QString &, const QString &message) {
        pending->deleteLater();
        m_snapshotNote->setText(message);
    });
    m_snapshotNote->setStyleSheet(QString());
    m_snapshotNote->setText(tr("Reading the roster snapshot in %1…").arg(dir));
}

void SourcesPage::refreshSources()
{
    m_updating = true;
    m_sources->clear();
    for (int i = 0; i < m_config->sourceCount(); ++i)
        m_sources->addItem(m_config->sourceLabel(i));
    if (m_sources->count() == 0)
        m_sources->addItem(tr("No files yet"));
    m_sources->setEnabled(m_config->sourceCount() > 0);
    m_sources->setCurrentIndex(qMax(0, m_config->selected()));
    m_updating = false;
    m_notes->setText(m_config->sourceNotes().join(u'\n'));
    m_notes->setVisible(!m_notes->text().isEmpty());
    refreshMapping();
    emit statusChanged();
}

void SourcesPage::refreshMapping()
{
    m_updating = true;
    const ColumnMapping &m = m_config->mapping();
    int columns = qMax(m_config->previewColumns(), int(m.headerTexts().size()));
    for (Field f : allFields())
        columns = qMax(columns, m.column(f) + 1);
    columns = qMax(columns, FieldCount);
    const bool hasSource = m_config->selected() >= 0;
    for (Field f : allFields()) {
        QComboBox *combo = m_fields[size_t(f)];
        combo->clear();
        combo->addItem(tr("(not in the sheet)"), -1);
        for (int c = 0; c < columns; ++c) {
            const QString header = c < m.headerTexts().size() ? m.headerTexts().at(c) : QString();
            combo->addItem(header.isEmpty() ? tr("Column %1").arg(columnLetter(c)) : tr("Column %1: %2").arg(columnLetter(c), header), c);
        }
        combo->setCurrentIndex(combo->findData(m.column(f)));
        combo->setEnabled(hasSource);
    }
    m_updating = false;
    m_header->setText(m_config->headerStatus());
    const QStringList problems = m_config->problems();
    m_problems->setText(hasSource ? problems.join(u'\n') : QString());
    const bool dirty = m_config->mappingDirty();
    m_apply->setEnabled(dirty && problems.isEmpty());
    m_revert->setEnabled(dirty);
    refreshPreview();
    emit completeChanged();
}

void SourcesPage::refreshPreview()
{
    const ColumnMapping &m = m_config->mapping();
    const int columns = m_config->previewColumns();
    QStringList mapped(columns);
    for (Field f : allFields())
        if (m.column(f) >= 0 && m.column(f) < columns)
            mapped[m.column(f)] = mapped[m.column(f)].isEmpty() ? fieldTitle(f) : mapped[m.column(f)] + QStringLiteral(" + ") + fieldTitle(f);
    m_previewModel->setRows(m_config->previewRows(), columns, mapped, m.hasHeader());
    if (!m_config->previewError().isEmpty())
        m_notes->setText(m_config->previewError());
}

} // namespace tt::ui
