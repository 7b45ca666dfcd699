#include "validatepage.h"

#include "models/duplicatemodels.h"
#include "models/quarantinemodel.h"
#include "session/recoverysession.h"
#include "session/validationsession.h"
#include "theme.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace tt::ui {

namespace {
void setupTable(QTableView *v)
{
    v->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    v->verticalHeader()->setDefaultSectionSize(22);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setAlternatingRowColors(true);
}
} // namespace

ValidatePage::ValidatePage(RecoverySession *session, ValidationSession *validation, QWidget *parent)
    : WizardPage(session, parent), m_validation(validation)
{
    setObjectName(QStringLiteral("validatePage"));
    setTitle(tr("Check every row"));
    setSubTitle(tr("Every row read is accepted, a duplicate, or set aside (quarantined) with the reason. Nothing is dropped."));

    m_accounting = new QLabel(this);
    m_accounting->setObjectName(QStringLiteral("accountingLabel"));
    m_accounting->setTextFormat(Qt::RichText);
    m_accounting->setWordWrap(true);
    m_accounting->setStyleSheet(theme::panelStyleSheet());
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("validateMessageLabel"));
    m_message->setWordWrap(true);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("validateTabs"));

    // Quarantine
    auto *qPage = new QWidget(m_tabs);
    m_quarantine = new QuarantineModel(session, validation, this);
    m_quarantineView = new QTableView(qPage);
    m_quarantineView->setObjectName(QStringLiteral("quarantineView"));
    m_quarantineView->setAccessibleName(tr("Quarantined rows"));
    m_quarantineView->setModel(m_quarantine);
    setupTable(m_quarantineView);
    m_quarantineView->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_quarantineView->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                                      | QAbstractItemView::AnyKeyPressed);
    m_quarantineView->horizontalHeader()->resizeSection(QuarantineModel::SourceColumn, 130);
    m_quarantineView->horizontalHeader()->resizeSection(QuarantineModel::RowColumn, 50);
    m_quarantineView->horizontalHeader()->resizeSection(QuarantineModel::ReasonColumn, 520);
    m_quarantineView->horizontalHeader()->resizeSection(QuarantineModel::DismissedColumn, 160);
    auto *exportButton = new QPushButton(tr("&Export quarantine to CSV…"), qPage);
    exportButton->setObjectName(QStringLiteral("exportQuarantineButton"));
    auto *hint = new QLabel(tr("To fix a row, select the wrong cell, type the right value and press Enter: the row is "
                               "checked again at once. The cell at fault is shaded and marked ⚠."), qPage);
    hint->setWordWrap(true);
    auto *qButtons = new QHBoxLayout;
    qButtons->addWidget(hint, 1);
    qButtons->addWidget(exportButton);
    // Dismiss: "this row is not a log to recover", with the administrator's reason (undone by Bring back)
    m_dismissReason = new QLineEdit(qPage);
    m_dismissReason->setObjectName(QStringLiteral("dismissReasonEdit"));
    m_dismissReason->setAccessibleName(tr("Reason for dismissing the selected row"));
    m_dismissReason->setPlaceholderText(tr("e.g. a test entry typed into the sheet by hand"));
    auto *dismissLabel = new QLabel(tr("Not a log to recover? &Reason:"), qPage);
    dismissLabel->setBuddy(m_dismissReason);
    m_dismiss = new QPushButton(tr("&Dismiss the selected row"), qPage);
    m_dismiss->setObjectName(QStringLiteral("dismissQuarantineButton"));
    m_dismiss->setToolTip(tr("The row stays listed and counted, marked as dismissed with your reason; it is not written."));
    m_restore = new QPushButton(tr("&Bring the row back"), qPage);
    m_restore->setObjectName(QStringLiteral("restoreQuarantineButton"));
    m_restore->setToolTip(tr("Undoes the dismissal: the row asks to be fixed or dismissed again."));
    auto *dismissRow = new QHBoxLayout;
    dismissRow->addWidget(dismissLabel);
    dismissRow->addWidget(m_dismissReason, 1);
    dismissRow->addWidget(m_dismiss);
    dismissRow->addWidget(m_restore);
    auto *qLayout = new QVBoxLayout(qPage);
    qLayout->addLayout(qButtons);
    qLayout->addWidget(m_quarantineView, 1);
    qLayout->addLayout(dismissRow);
    m_tabs->addTab(qPage, tr("Quarantined rows"));

    // Conflicting duplicates
    auto *dPage = new QWidget(m_tabs);
    m_groups = new DuplicateGroupModel(session, this);
    m_groupView = new QTableView(dPage);
    m_groupView->setObjectName(QStringLiteral("duplicateGroupView"));
    m_groupView->setAccessibleName(tr("Logs saved twice with different content"));
    m_groupView->setModel(m_groups);
    setupTable(m_groupView);
    m_groupView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_groupView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_groupView->horizontalHeader()->setStretchLastSection(true);
    m_compare = new DuplicateCompareModel(session, this);
    m_compareView = new QTableView(dPage);
    m_compareView->setObjectName(QStringLiteral("duplicateCompareView"));
    m_compareView->setAccessibleName(tr("Versions side by side"));
    m_compareView->setModel(m_compare);
    setupTable(m_compareView);
    m_compareView->setSelectionBehavior(QAbstractItemView::SelectColumns);
    m_compareView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_compareView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_compareView->horizontalHeader()->setDefaultSectionSize(260);
    m_keep = new QPushButton(tr("&Keep the selected version"), dPage);
    m_keep->setObjectName(QStringLiteral("keepVersionButton"));
    auto *right = new QWidget(dPage);
    auto *rLayout = new QVBoxLayout(right);
    rLayout->setContentsMargins(0, 0, 0, 0);
    rLayout->addWidget(new QLabel(tr("Fields that differ are shaded and marked ≠. Select a version's column, then keep it."), right));
    rLayout->addWidget(m_compareView, 1);
    rLayout->addWidget(m_keep, 0, Qt::AlignRight);
    auto *split = new QSplitter(Qt::Horizontal, dPage);
    split->addWidget(m_groupView);
    split->addWidget(right);
    split->setStretchFactor(1, 2);
    split->setSizes({430, 560});
    m_groupView->horizontalHeader()->resizeSection(DuplicateGroupModel::UuidColumn, 110);
    m_groupView->horizontalHeader()->resizeSection(DuplicateGroupModel::VersionsColumn, 60);
    m_groupView->horizontalHeader()->resizeSection(DuplicateGroupModel::ChosenColumn, 150);
    auto *dLayout = new QVBoxLayout(dPage);
    dLayout->addWidget(split);
    m_tabs->addTab(dPage, tr("Conflicting duplicates"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_accounting);
    layout->addWidget(m_message);
    layout->addWidget(m_tabs, 1);

    connect(validation, &ValidationSession::countsChanged, this, &ValidatePage::refreshCounts);
    connect(m_quarantine, &QuarantineModel::rowRevalidated, this, [this](bool, const QString &message) {
        m_message->setText(message);
    });
    connect(m_groups, &QAbstractItemModel::modelReset, this, &ValidatePage::showGroup);
    connect(m_groupView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ValidatePage::showGroup);
    connect(m_keep, &QPushButton::clicked, this, [this] {
        const QModelIndex cur = m_compareView->currentIndex();
        keepVersion(cur.isValid() ? cur.column() : -1);
    });
    connect(exportButton, &QPushButton::clicked, this, &ValidatePage::exportQuarantine);
    connect(m_dismiss, &QPushButton::clicked, this, &ValidatePage::dismissSelected);
    connect(m_dismissReason, &QLineEdit::returnPressed, this, &ValidatePage::dismissSelected);
    connect(m_restore, &QPushButton::clicked, this, &ValidatePage::restoreSelected);
    connect(m_dismissReason, &QLineEdit::textChanged, this, &ValidatePage::updateDismissButtons);
    connect(m_quarantineView->selectionModel(), &QItemSelectionModel::currentChanged, this, &ValidatePage::updateDismissButtons);
    connect(m_quarantine, &QAbstractItemModel::modelReset, this, &ValidatePage::updateDismissButtons);
    updateDismissButtons();
    refreshCounts();
}

void ValidatePage::initializePage()
{
    refreshCounts();
}

void ValidatePage::showRow(const QString &key)
{
    bool number = false;
    const int row = key.toInt(&number);
    if (number && row >= 0 && row < m_quarantine->rowCount()) {
        m_tabs->setCurrentIndex(0);
        const QModelIndex index = m_quarantine->index(row, 0);
        m_quarantineView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
        m_quarantineView->scrollTo(index);
        m_quarantineView->setFocus();
        return;
    }
    for (int r = 0; r < m_groups->rowCount(); ++r) {
        if (const DuplicateGroup *g = m_groups->group(r); g && g->uuid == key) {
            m_tabs->setCurrentIndex(1);
            const QModelIndex index = m_groups->index(r, 0);
            m_groupView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_groupView->scrollTo(index);
            m_groupView->setFocus();
            return;
        }
    }
}

QString ValidatePage::attention() const
{
    return m_validation->attention();
}

void ValidatePage::refreshCounts()
{
    if (!m_session->hasProject()) {
        m_accounting->clear();
        return;
    }
    const RowCounts c = m_validation->counts();
    const qint64 dups = c.duplicatesIdentical + c.duplicatesConflicting;
    m_accounting->setText(
        tr("<b>%L1 rows read</b> = %L2 accepted + %L3 duplicates (%L4 identical, %L5 with differences) + "
           "<b>%L6 quarantined</b>. Not counted: %L7 blank rows, %L8 header rows. %9")
            .arg(c.read)
            .arg(c.accepted)
            .arg(dups)
            .arg(c.duplicatesIdentical)
            .arg(c.duplicatesConflicting)
            .arg(c.quarantined)
            .arg(c.blank)
            .arg(c.headerRows)
            .arg(c.balanced() ? tr("Every row is accounted for.")
                              : tr("<b>⚠ The totals do not add up: re-read the sources.</b>")));
    m_accounting->setProperty("read", c.read);
    m_accounting->setProperty("accepted", c.accepted);
    m_accounting->setProperty("duplicates", dups);
    m_accounting->setProperty("quarantined", c.quarantined);
    const qint64 dismissed = m_validation->dismissed();
    m_accounting->setProperty("dismissed", dismissed);
    m_tabs->setTabText(0, dismissed > 0 ? tr("Quarantined rows (%L1, %L2 dismissed)").arg(c.quarantined).arg(dismissed)
                                        : tr("Quarantined rows (%L1)").arg(c.quarantined));
    m_tabs->setTabText(1, tr("Conflicting duplicates (%L1)").arg(m_groups->rowCount()));
    emit statusChanged();
}

void ValidatePage::showGroup()
{
    const QModelIndex cur = m_groupView->selectionModel()->currentIndex();
    m_compare->setGroup(cur.isValid() ? m_groups->group(cur.row()) : nullptr);
    m_keep->setEnabled(cur.isValid());
}

void ValidatePage::keepVersion(int column)
{
    if (column < 0 || m_compare->uuid().isEmpty() || m_session->isBusy()) {
        m_message->setText(tr("Select the column of the version to keep, then press Keep."));
        return;
    }
    const int groupRow = m_groupView->currentIndex().row();
    if (!m_validation->chooseDuplicate(m_compare->uuid(), m_compare->keyOf(column))) {
        m_message->setText(tr("Wait until the current task has finished, then press Keep again."));
        return;
    }
    m_message->setText(tr("Kept the version from %1.").arg(m_compare->headerData(column, Qt::Horizontal).toString()));
    if (groupRow >= 0 && groupRow < m_groups->rowCount())
        m_groupView->selectRow(groupRow);
}

void ValidatePage::updateDismissButtons()
{
    const QModelIndex cur = m_quarantineView->currentIndex();
    const bool dismissed = cur.isValid() && !m_validation->dismissalReason(cur.row()).isEmpty();
    m_dismiss->setEnabled(cur.isValid() && !dismissed && !m_dismissReason->text().trimmed().isEmpty());
    m_restore->setEnabled(dismissed);
}

void ValidatePage::dismissSelected()
{
    const QModelIndex cur = m_quarantineView->currentIndex();
    if (!cur.isValid() || m_dismissReason->text().trimmed().isEmpty()) {
        m_message->setText(tr("Select a quarantined row and type why it is not a log to recover, then press Dismiss."));
        return;
    }
    const int row = cur.row();
    const QString reason = m_dismissReason->text().trimmed();
    const QString where = tr("%1 row %2").arg(m_quarantine->index(row, QuarantineModel::SourceColumn).data().toString(),
                                           m_quarantine->index(row, QuarantineModel::RowColumn).data().toString());
    if (!m_validation->dismissQuarantined(row, reason)) {
        m_message->setText(tr("%1 was not dismissed: it is dismissed already, or a task is running (wait and try again).").arg(where));
        return;
    }
    m_dismissReason->clear();
    m_message->setText(tr("%1 dismissed: %2. It is not written, and the report lists it as dismissed. "
                          "Bring the row back to undo.").arg(where, reason));
    m_quarantineView->setCurrentIndex(m_quarantine->index(row, QuarantineModel::DismissedColumn));
}

void ValidatePage::restoreSelected()
{
    const QModelIndex cur = m_quarantineView->currentIndex();
    if (!cur.isValid() || !m_validation->restoreQuarantined(cur.row())) {
        m_message->setText(tr("Select a dismissed row to bring it back."));
        return;
    }
    const int row = cur.row();
    m_message->setText(tr("%1 row %2 is back: fix it or dismiss it.")
                           .arg(m_quarantine->index(row, QuarantineModel::SourceColumn).data().toString(),
                                m_quarantine->index(row, QuarantineModel::RowColumn).data().toString()));
    m_quarantineView->setCurrentIndex(m_quarantine->index(row, QuarantineModel::DismissedColumn));
}

void ValidatePage::exportQuarantine()
{
    if (!m_session->hasProject())
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the quarantined rows"), QStringLiteral("quarantine.csv"),
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    try {
        const qint64 rows = m_validation->exportQuarantine(path);
        m_message->setText(tr("Exported %Ln quarantined row(s) to %1.", nullptr, int(rows)).arg(path));
    } catch (const std::exception &e) {
        m_message->setText(describeError(e));
    }
}

} // namespace tt::ui
