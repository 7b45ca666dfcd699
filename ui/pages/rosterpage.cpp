#include "rosterpage.h"

#include <QItemSelectionModel>

#include "models/rostermodels.h"
#include "schoollistdialog.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"

#include <QAction>
#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <limits>

namespace tt::ui {

class RosterProxyModel : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setOnlyProblems(bool on)
    {
        m_only = on;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        if (m_only && sourceModel()->index(row, 0, parent).data(RosterTableModel::ProblemRole).toStringList().isEmpty())
            return false;
        return QSortFilterProxyModel::filterAcceptsRow(row, parent);
    }
    bool lessThan(const QModelIndex &l, const QModelIndex &r) const override
    {
        const QVariant a = l.data(), b = r.data();
        if (a.typeId() == QMetaType::Int && b.typeId() == QMetaType::Int)
            return a.toInt() < b.toInt();
        if (l.column() == 0)
            return a.toString().toInt() < b.toString().toInt();
        if (l.column() == RosterTableModel::KeyColumn && a.toString().size() != b.toString().size()
            && a.toString().toLongLong() > 0 && b.toString().toLongLong() > 0)
            return a.toString().toLongLong() < b.toString().toLongLong(); // student ids as numbers
        return QString::localeAwareCompare(a.toString(), b.toString()) < 0;
    }

private:
    bool m_only = false;
};

RosterPage::RosterPage(Kind kind, RecoverySession *session, RosterSession *roster, QWidget *parent)
    : WizardPage(session, parent), m_kind(kind), m_roster(roster)
{
    // Widgets are created in this order (it is the tab order): accept, import, the filter bar, the action bar,
    // the table, the details.
    auto *accept = new QPushButton(tr("Accept all &suggestions"), this);
    accept->setObjectName(QStringLiteral("acceptAllButton"));
    accept->setToolTip(tr("Confirm every suggestion on this and the other roster pages as it stands now."));
    QPushButton *import = setUpKind();

    m_proxy = new RosterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    QHBoxLayout *top = buildFilterBar(accept, import);
    QHBoxLayout *bulk = buildActionBar();
    buildTable();
    buildDetailPanel();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addLayout(top);
    layout->addLayout(bulk);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_settledView, 1);
    layout->addWidget(m_details);

    connectSessionSignals(session);
    refresh();
}

QPushButton *RosterPage::setUpKind()
{
    QPushButton *import = nullptr;
    switch (m_kind) {
    case Teachers:
        setObjectName(QStringLiteral("teachersPage"));
        setTitle(tr("Teachers"));
        setSubTitle(tr("One row per e-mail address seen in the logs. Names, roles and specialist flags in italics are "
                       "suggestions: hover for the evidence, edit by typing, or accept them all."));
        m_model = new TeacherModel(m_roster, this);
        import = new QPushButton(tr("&Import staff list (CSV)…"), this);
        break;
    case Classrooms:
        setObjectName(QStringLiteral("classroomsPage"));
        setTitle(tr("Classrooms"));
        setSubTitle(tr("One row per class code seen. The homeroom teacher is suggested from who logged most in the class; "
                       "hover for the evidence and the runner-up."));
        m_model = new ClassroomModel(m_roster, this);
        break;
    case Students:
        setObjectName(QStringLiteral("studentsPage"));
        setTitle(tr("Students"));
        setSubTitle(tr("One row per student ID. Names are split from the logged names; the class is where the most recent "
                       "logs are. A school roster CSV adds guardians and students who were never logged."));
        m_model = new StudentModel(m_roster, this);
        import = new QPushButton(tr("&Import school roster (CSV)…"), this);
        break;
    }
    if (import)
        import->setObjectName(QStringLiteral("importListButton"));
    return import;
}

QHBoxLayout *RosterPage::buildFilterBar(QPushButton *accept, QPushButton *import)
{
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("rosterSummaryLabel"));
    m_summary->setWordWrap(true);
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("rosterSearch"));
    m_search->setAccessibleName(tr("Search"));
    m_search->setPlaceholderText(tr("Search…"));
    m_search->setClearButtonEnabled(true);
    m_onlyProblems = new QCheckBox(tr("Only rows to &check"), this);
    m_onlyProblems->setObjectName(QStringLiteral("onlyProblemsCheck"));

    QHBoxLayout *top = makeSettledPanel();
    top->insertWidget(0, m_search, 1);
    top->insertWidget(1, m_onlyProblems);
    top->addWidget(accept);
    if (import)
        top->addWidget(import);

    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_onlyProblems, &QCheckBox::toggled, this, [this](bool on) { m_proxy->setOnlyProblems(on); });
    connect(accept, &QPushButton::clicked, m_roster, &RosterSession::acceptAll);
    if (import)
        connect(import, &QPushButton::clicked, this, &RosterPage::importList);
    return top;
}

QHBoxLayout *RosterPage::buildActionBar()
{
    for (QToolButton **b : {&m_undoButton, &m_redoButton}) {
        *b = new QToolButton(this);
        (*b)->setObjectName(b == &m_undoButton ? QStringLiteral("undoButton") : QStringLiteral("redoButton"));
        (*b)->setToolButtonStyle(Qt::ToolButtonTextOnly);
        (*b)->setVisible(false);
    }
    auto *bulk = new QHBoxLayout;
    addBulkEdit(bulk);
    addRowActions(bulk);
    bulk->addStretch(1);
    bulk->addWidget(m_undoButton);
    bulk->addWidget(m_redoButton);
    return bulk;
}

void RosterPage::addBulkEdit(QHBoxLayout *bulk)
{
    if (m_kind == Teachers) {
        m_bulkValue = new QComboBox(this);
        m_bulkValue->setObjectName(QStringLiteral("bulkValueCombo"));
        m_bulkValue->setAccessibleName(tr("Change for the selected teachers"));
        m_bulkValue->addItem(tr("Role: teacher"), QStringLiteral("role:teacher"));
        m_bulkValue->addItem(tr("Role: admin"), QStringLiteral("role:admin"));
        m_bulkValue->addItem(tr("Specialist: yes"), QStringLiteral("specialist:1"));
        m_bulkValue->addItem(tr("Specialist: no"), QStringLiteral("specialist:0"));
    } else if (m_kind == Students) {
        m_bulkValue = new QComboBox(this);
        m_bulkValue->setObjectName(QStringLiteral("bulkValueCombo"));
        m_bulkValue->setAccessibleName(tr("Class for the selected students"));
        m_bulkValue->setEditable(true);
        m_bulkValue->setInsertPolicy(QComboBox::NoInsert);
        m_bulkValue->setMinimumContentsLength(10);
    }
    if (!m_bulkValue)
        return;
    auto *applyBulk = new QPushButton(tr("Apply to selected &rows"), this);
    applyBulk->setObjectName(QStringLiteral("applyBulkButton"));
    auto *l = new QLabel(m_kind == Teachers ? tr("Set for the selected teachers:") : tr("Move the selected students to class:"), this);
    l->setBuddy(m_bulkValue);
    bulk->addWidget(l);
    bulk->addWidget(m_bulkValue);
    bulk->addWidget(applyBulk);
    connect(applyBulk, &QPushButton::clicked, this, &RosterPage::applyBulkEdit);
}

void RosterPage::applyBulkEdit()
{
    const QStringList keys = selectedKeys();
    if (keys.isEmpty()) {
        m_details->setText(tr("Select one or more rows first (Shift or Ctrl with the arrow keys or the mouse)."));
        return;
    }
    if (m_kind == Students) {
        m_roster->setStudentClass(keys, m_bulkValue->currentText().trimmed());
        return;
    }
    const QString v = m_bulkValue->currentData().toString();
    if (v.startsWith(u"role:"))
        m_roster->setTeacherRole(keys, v.mid(5));
    else
        m_roster->setTeacherSpecialist(keys, v.endsWith(u'1'));
}

void RosterPage::addRowActions(QHBoxLayout *bulk)
{
    if (m_kind == Students) {
        auto *merge = new QPushButton(tr("&Merge selected…"), this);
        merge->setObjectName(QStringLiteral("mergeStudentsButton"));
        merge->setToolTip(tr("The selected rows are one child logged under different student IDs: keep one ID for all their logs."));
        auto *separate = new QPushButton(tr("Se&parate…"), this);
        separate->setObjectName(QStringLiteral("separateStudentButton"));
        separate->setToolTip(tr("Undo a merge: the logs under an ID merged into this student become a student of their own again."));
        bulk->addSpacing(16);
        bulk->addWidget(merge);
        bulk->addWidget(separate);
        connect(merge, &QPushButton::clicked, this, &RosterPage::mergeSelected);
        connect(separate, &QPushButton::clicked, this, &RosterPage::separateCurrent);
    } else if (m_kind == Classrooms) {
        auto *specialists = new QPushButton(tr("S&pecialists of this class…"), this);
        specialists->setObjectName(QStringLiteral("editSpecialistsButton"));
        specialists->setToolTip(tr("Choose the specialist teachers (art, music, PE…) who also teach the selected class."));
        bulk->addWidget(specialists);
        connect(specialists, &QPushButton::clicked, this, &RosterPage::editSpecialists);
    }
}

void RosterPage::buildTable()
{
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("rosterView"));
    m_view->setAccessibleName(title());
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(RosterTableModel::KeyColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(22);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_view->resizeColumnsToContents();
        QHeaderView *h = m_view->horizontalHeader();
        for (int c = 0; c < h->count(); ++c)
            h->resizeSection(c, qBound(56, h->sectionSize(c) + 8, 300));
    });
}

void RosterPage::buildDetailPanel()
{
    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("rowDetailsLabel"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setMinimumHeight(48);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
}

void RosterPage::connectSessionSignals(RecoverySession *session)
{
    connect(m_roster, &RosterSession::rosterChanged, this, &RosterPage::refresh);
    connect(m_roster, &RosterSession::rowsEdited, this, &RosterPage::refresh);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RosterPage::showSelection);
    connect(session, &RecoverySession::busyChanged, this, [this](bool busy) {
        if (busy && isVisible())
            m_summary->setText(tr("Working… the tables update when it is done."));
        else
            refresh();
    });
}

void RosterPage::initializePage()
{
    m_roster->ensureBuilt();
    refresh();
}

bool RosterPage::isComplete() const
{
    return WizardPage::isComplete() && m_roster->isBuilt();
}

QString RosterPage::attention() const
{
    if (!m_roster->isBuilt())
        return {};
    int n = 0;
    const Roster &r = m_roster->roster();
    switch (m_kind) {
    case Teachers: for (const auto &t : r.teachers) n += m_roster->teacherProblems(t).isEmpty() ? 0 : 1; break;
    case Classrooms: for (const auto &c : r.classrooms) n += m_roster->classroomProblems(c).isEmpty() ? 0 : 1; break;
    case Students: for (const auto &s : r.students) n += m_roster->studentProblems(s).isEmpty() ? 0 : 1; break;
    }
    return n > 0 ? tr("%Ln row(s) to check", nullptr, n) : QString();
}

void RosterPage::setUndoActions(QAction *undo, QAction *redo)
{
    m_undoButton->setDefaultAction(undo);
    m_redoButton->setDefaultAction(redo);
    m_undoButton->setVisible(true);
    m_redoButton->setVisible(true);
}

void RosterPage::showRow(const QString &key)
{
    m_search->clear();
    m_onlyProblems->setChecked(false);
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        const QModelIndex index = m_proxy->index(r, 0);
        if (index.data(RosterTableModel::KeyRole).toString().compare(key, Qt::CaseInsensitive) == 0) {
            m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_view->scrollTo(index);
            m_view->setFocus();
            return;
        }
    }
}

QString RosterPage::currentKey() const
{
    const QModelIndex cur = m_view->selectionModel()->currentIndex();
    return cur.isValid() ? cur.data(RosterTableModel::KeyRole).toString() : QString();
}

void RosterPage::mergeSelected()
{
    const QStringList keys = selectedKeys();
    if (keys.size() < 2) {
        m_details->setText(tr("Select the rows that are the same child (at least two, with Ctrl or Shift), then Merge."));
        return;
    }
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("mergeStudentsDialog"));
    dialog.setWindowTitle(tr("Merge students"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *intro = new QLabel(tr("These %Ln rows will become one student: every log under their IDs goes to the ID you "
                                "keep. You can separate them again later, or undo with Ctrl+Z.", nullptr, int(keys.size())),
                             &dialog);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *group = new QButtonGroup(&dialog);
    const Roster &r = m_roster->roster();
    int best = -1, bestLogs = -1;
    for (int i = 0; i < keys.size(); ++i) {
        QString label = tr("Keep ID %1").arg(keys[i]);
        for (const StudentDraft &st : r.students)
            if (st.studentId == keys[i]) {
                label = tr("Keep ID %1 — %2 %3, class %4, %Ln log(s)%5", nullptr, st.logs)
                            .arg(st.studentId, st.firstName, st.lastName, st.classCode.isEmpty() ? tr("none") : st.classCode,
                                 st.fromRosterOnly ? tr(" (in the school roster)") : QString());
                if (st.fromRosterOnly || st.logs > bestLogs) // the school's own id wins, else the most used one
                    best = i, bestLogs = st.fromRosterOnly ? std::numeric_limits<int>::max() : st.logs;
            }
        auto *radio = new QRadioButton(label, &dialog);
        radio->setObjectName(QStringLiteral("keepId_") + keys[i]);
        group->addButton(radio, i);
        layout->addWidget(radio);
    }
    group->button(qMax(0, best))->setChecked(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Merge"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_roster->mergeStudents(keys, keys[group->checkedId()]);
}

void RosterPage::separateCurrent()
{
    const QString id = currentKey();
    const QStringList merged = id.isEmpty() ? QStringList() : m_roster->mergedInto(id);
    if (merged.isEmpty()) {
        m_details->setText(id.isEmpty() ? tr("Select a student first.")
                                        : tr("No other ID was merged into student %1: there is nothing to separate.").arg(id));
        return;
    }
    QString chosen = merged.first();
    if (merged.size() > 1) {
        bool ok = false;
        chosen = QInputDialog::getItem(this, tr("Separate students"),
                                       tr("Which ID should become a student of its own again?"), merged, 0, false, &ok);
        if (!ok)
            return;
    }
    m_roster->separateStudentId(chosen);
}

void RosterPage::editSpecialists()
{
    const QString code = currentKey();
    const Roster &r = m_roster->roster();
    const ClassroomDraft *cls = nullptr;
    for (const ClassroomDraft &c : r.classrooms)
        if (c.code == code)
            cls = &c;
    if (!cls) {
        m_details->setText(tr("Select a class first."));
        return;
    }
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("specialistsDialog"));
    dialog.setWindowTitle(tr("Specialists of %1").arg(code));
    auto *layout = new QVBoxLayout(&dialog);
    auto *intro = new QLabel(tr("Tick the teachers who teach class %1 besides its homeroom teacher. Suggested ones are "
                                "ticked from the logs: %2")
                                 .arg(code, cls->specialistEvidence.isEmpty() ? tr("none seen.") : cls->specialistEvidence),
                             &dialog);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *list = new QListWidget(&dialog);
    list->setObjectName(QStringLiteral("specialistList"));
    list->setAccessibleName(tr("Teachers"));
    for (const TeacherDraft &t : r.teachers) {
        if (t.email == cls->homeroomTeacherEmail)
            continue;
        const QString label = tr("%1 <%2>%3").arg(t.displayName.isEmpty() ? tr("(no name)") : t.displayName, t.email,
                                                 t.isSpecialist ? tr(" — specialist") : QString());
        auto *item = new QListWidgetItem(label, list);
        item->setData(Qt::UserRole, t.email);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
        item->setCheckState(cls->specialistEmails.contains(t.email, Qt::CaseInsensitive) ? Qt::Checked : Qt::Unchecked);
    }
    layout->addWidget(list, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    dialog.resize(560, 420);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QStringList emails;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->checkState() == Qt::Checked)
            emails << list->item(i)->data(Qt::UserRole).toString();
    m_roster->setClassSpecialists(code, emails);
}

QStringList RosterPage::selectedKeys() const
{
    QStringList keys;
    for (const QModelIndex &i : m_view->selectionModel()->selectedRows())
        keys << i.data(RosterTableModel::KeyRole).toString();
    return keys;
}

void RosterPage::refresh()
{
    if (!m_roster->isBuilt()) {
        m_summary->setText(m_session->isBusy() ? tr("Rebuilding from the logs…") : tr("Not built yet."));
        emit completeChanged();
        return;
    }
    const Roster &r = m_roster->roster();
    int rows = 0, decided = 0;
    switch (m_kind) {
    case Teachers:
        rows = int(r.teachers.size());
        for (const auto &t : r.teachers) decided += t.decided ? 1 : 0;
        break;
    case Classrooms:
        rows = int(r.classrooms.size());
        for (const auto &c : r.classrooms) decided += c.decided ? 1 : 0;
        break;
    case Students:
        rows = int(r.students.size());
        for (const auto &s : r.students) decided += s.decided ? 1 : 0;
        break;
    }
    refreshSettled();
    const QString toCheck = attention();
    QString text = tr("%L1 rows: %L2 confirmed, %L3 suggestions.").arg(rows).arg(decided).arg(rows - decided);
    if (!toCheck.isEmpty())
        text += u' ' + tr("%1 (marked with a warning sign).").arg(toCheck);
    if (m_kind == Teachers && m_roster->staffCount() > 0)
        text += u' ' + tr("Staff list: %L1 people.").arg(m_roster->staffCount());
    if (m_kind == Students && m_roster->rosterCount() > 0)
        text += u' ' + tr("School roster: %L1 students.").arg(m_roster->rosterCount());
    m_summary->setText(text);
    if (m_kind == Students && m_bulkValue) {
        const QString cur = m_bulkValue->currentText();
        m_bulkValue->clear();
        for (const auto &c : r.classrooms)
            m_bulkValue->addItem(c.code);
        m_bulkValue->setCurrentText(cur);
    }
    showSelection();
    emit completeChanged();
    emit statusChanged();
}

void RosterPage::showSelection()
{
    const QModelIndex cur = m_view->selectionModel()->currentIndex();
    if (!cur.isValid()) {
        m_details->setText(tr("Select a row to see why it was suggested and what to check."));
        return;
    }
    const QModelIndex src = m_proxy->mapToSource(cur);
    const QStringList problems = m_model->index(src.row(), 0).data(RosterTableModel::ProblemRole).toStringList();
    const QString evidence = m_model->index(src.row(), RosterTableModel::StatusColumnIndex).data(Qt::ToolTipRole).toString();
    QStringList lines;
    lines << tr("<b>%1</b>").arg(m_model->index(src.row(), 0).data(RosterTableModel::KeyRole).toString().toHtmlEscaped());
    if (!evidence.isEmpty())
        lines << tr("Evidence: %1").arg(evidence.toHtmlEscaped());
    for (const QString &p : problems)
        lines << tr("To check: %1").arg(p.toHtmlEscaped());
    for (const QString &t : m_roster->optionalTasks(m_model->index(src.row(), 0).data(RosterTableModel::KeyRole).toString()))
        lines << tr("Optional: %1").arg(t.toHtmlEscaped());
    if (m_kind == Students) {
        const QStringList merged = m_roster->mergedInto(m_model->index(src.row(), 0).data(RosterTableModel::KeyRole).toString());
        if (!merged.isEmpty())
            lines << tr("Also logged under ID(s) %1, merged into this student (Separate… undoes it).").arg(merged.join(u", ").toHtmlEscaped());
    }
    m_details->setText(lines.join(QStringLiteral("<br>")));
}

namespace {

RosterSession::Area areaOf(RosterPage::Kind kind)
{
    switch (kind) {
    case RosterPage::Teachers: return RosterSession::Area::Teachers;
    case RosterPage::Classrooms: return RosterSession::Area::Classrooms;
    case RosterPage::Students: break;
    }
    return RosterSession::Area::Students;
}

QString ruleName(const QString &settledBy)
{
    if (settledBy == u"leadingZeroTwins")
        return RosterPage::tr("One student: zeros dropped");
    if (settledBy == u"majoritySpelling")
        return RosterPage::tr("Majority spelling");
    if (settledBy == u"namesakesDifferentClasses")
        return RosterPage::tr("Namesakes in different classes");
    if (settledBy == u"namesakesOnSchoolList")
        return RosterPage::tr("Namesakes on the school roster");
    if (settledBy == u"uniqueNameMatch")
        return RosterPage::tr("No ID, linked by name");
    if (settledBy == u"rosterSnapshot")
        return RosterPage::tr("Roster snapshot");
    return settledBy;
}

} // namespace

QHBoxLayout *RosterPage::makeSettledPanel()
{
    m_settledButton = new QToolButton(this);
    m_settledButton->setObjectName(QStringLiteral("settledFilterButton"));
    m_settledButton->setCheckable(true);
    m_settledButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_settledButton->setToolTip(tr("What the evidence settled without asking you: each with its rule and evidence, "
                                   "and Undo."));
    m_settledView = new QTreeWidget(this);
    m_settledView->setObjectName(QStringLiteral("settledView"));
    m_settledView->setAccessibleName(tr("Settled automatically"));
    m_settledView->setColumnCount(3);
    m_settledView->setHeaderLabels({tr("Rule"), tr("About"), tr("Evidence")});
    m_settledView->setRootIsDecorated(false);
    m_settledView->setWordWrap(true);
    m_settledView->setVisible(false);
    m_undoSettlement = new QPushButton(tr("U&ndo this settlement"), this);
    m_undoSettlement->setObjectName(QStringLiteral("undoSettlementButton"));
    m_undoSettlement->setToolTip(tr("The selected item becomes a question for you again (Edit > Undo takes it back)."));
    m_undoSettlement->setVisible(false);
    connect(m_settledButton, &QToolButton::toggled, this, &RosterPage::showSettled);
    connect(m_undoSettlement, &QPushButton::clicked, this, &RosterPage::undoSelectedSettlement);
    auto *row = new QHBoxLayout;
    row->addWidget(m_settledButton);
    row->addWidget(m_undoSettlement);
    return row;
}

void RosterPage::showSettled(bool on)
{
    if (m_settledButton->isChecked() != on)
        m_settledButton->setChecked(on); // emits toggled, which comes back here
    m_settledView->setVisible(on);
    m_undoSettlement->setVisible(on);
    m_view->setVisible(!on);
}

void RosterPage::refreshSettled()
{
    const std::vector<Conflict> settled = m_roster->isBuilt() ? m_roster->settledConflicts(areaOf(m_kind))
                                                              : std::vector<Conflict>{};
    m_settledButton->setText(tr("Settled automatically (%L1)").arg(settled.size()));
    m_settledView->clear();
    for (const Conflict &c : settled) {
        auto *item = new QTreeWidgetItem(m_settledView, {ruleName(c.settledBy), c.subject, c.detail});
        item->setData(0, Qt::UserRole, c.settledBy);
        item->setData(1, Qt::UserRole, c.subject);
        item->setToolTip(2, c.detail);
    }
    if (m_settledView->topLevelItemCount() > 0)
        m_settledView->setCurrentItem(m_settledView->topLevelItem(0));
}

void RosterPage::undoSelectedSettlement()
{
    const QTreeWidgetItem *item = m_settledView->currentItem();
    if (!item) {
        m_details->setText(tr("Select a settled item first."));
        return;
    }
    const QString rule = item->data(0, Qt::UserRole).toString(), subject = item->data(1, Qt::UserRole).toString();
    for (const Conflict &c : m_roster->settledConflicts(areaOf(m_kind))) {
        if (c.settledBy != rule || c.subject != subject)
            continue;
        if (!RosterSession::isUndoable(c)) {
            m_details->setText(tr("This was settled from your own file (the .env or the roster snapshot): change it "
                                  "there, or edit the row."));
            return;
        }
        return m_roster->undoSettlement(c);
    }
}

void RosterPage::importList()
{
    const QString path = QFileDialog::getOpenFileName(this, m_kind == Teachers ? tr("Import the staff list") : tr("Import the school roster"),
                                                      QString(), tr("CSV files (*.csv);;All files (*)"));
    if (!path.isEmpty())
        importListFrom(path);
}

void RosterPage::importListFrom(const QString &path)
{
    // The mapping step: the columns guessed from the header, shown over the first rows, for the administrator
    // to confirm or correct before anything is read into the project.
    SchoolListColumns columns;
    try {
        columns = detectSchoolListColumns(path, m_kind == Teachers ? SchoolListColumns::Staff : SchoolListColumns::Roster);
    } catch (const std::exception &e) {
        m_details->setText(describeError(e).toHtmlEscaped());
        return;
    }
    SchoolListDialog dialog(path, std::move(columns), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (m_kind == Teachers)
        m_roster->importStaffCsv(path, dialog.columns());
    else
        m_roster->importRosterCsv(path, dialog.columns());
}

} // namespace tt::ui
