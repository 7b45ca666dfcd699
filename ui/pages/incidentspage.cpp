#include "incidentspage.h"
#include "theme.h"

#include "chartspanel.h"
#include "models/incidentmodel.h"
#include "common/privatefile.h"
#include "pdfprint.h"
#include "report/incidentlist.h"
#include "session/incidentssession.h"
#include "session/recoverysession.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QMenu>
#include <QGridLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace tt::ui {

namespace {
const QDate AnyDate(2000, 1, 1);
} // namespace

IncidentsPage::IncidentsPage(RecoverySession *session, IncidentsSession *filter, QWidget *parent)
    : WizardPage(session, parent), m_filter(filter)
{
    setObjectName(QStringLiteral("incidentsPage"));
    setTitle(tr("Recovered incidents"));
    setSubTitle(tr("Every incident and commendation that will be restored. Sort by a column; narrow the list with the filters."));

    m_model = new IncidentModel(this);
    m_proxy = new IncidentProxyModel(m_model, filter, this);

    createFilters();
    createList();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(createFilterGrid());
    layout->addWidget(m_tabs, 1);

    connectFilters();
    setTabOrders();
}

// The filter widgets, each named for the GUI tests and the screen reader.
void IncidentsPage::createFilters()
{
    m_type = new QComboBox(this);
    m_type->setObjectName(QStringLiteral("typeFilter"));
    m_type->setAccessibleName(tr("Type"));
    m_type->addItem(tr("Incidents and commendations"), int(IncidentsSession::AnyType));
    m_type->addItem(tr("Incidents"), int(IncidentsSession::IncidentsOnly));
    m_type->addItem(tr("Commendations"), int(IncidentsSession::CommendationsOnly));
    auto dateEdit = [this](const QString &name, const QString &accessible) {
        auto *e = new QDateEdit(this);
        e->setObjectName(name);
        e->setAccessibleName(accessible);
        e->setCalendarPopup(true);
        e->setMinimumDate(AnyDate);
        e->setSpecialValueText(tr("any"));
        e->setDate(AnyDate);
        e->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        return e;
    };
    m_from = dateEdit(QStringLiteral("fromFilter"), tr("From date"));
    m_to = dateEdit(QStringLiteral("toFilter"), tr("To date"));
    auto editableCombo = [this](const QString &name, const QString &accessible) {
        auto *c = new QComboBox(this);
        c->setObjectName(name);
        c->setAccessibleName(accessible);
        c->setEditable(true);
        c->setInsertPolicy(QComboBox::NoInsert);
        c->setMinimumContentsLength(14);
        return c;
    };
    m_teacher = editableCombo(QStringLiteral("teacherFilter"), tr("Teacher"));
    m_class = editableCombo(QStringLiteral("classFilter"), tr("Class"));
    m_category = new QComboBox(this);
    m_category->setObjectName(QStringLiteral("categoryFilter"));
    m_category->setAccessibleName(tr("Category"));
    // Its items arrive once the records are indexed (on a worker): its width must not wait for them.
    m_category->setMinimumContentsLength(14);
    m_category->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_category->addItem(tr("Any category"), QString());
    m_student = new QLineEdit(this);
    m_student->setObjectName(QStringLiteral("studentFilter"));
    m_student->setAccessibleName(tr("Student"));
    m_student->setPlaceholderText(tr("ID or part of the name"));
    m_student->setClearButtonEnabled(true);
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("textFilter"));
    m_text->setAccessibleName(tr("Search text"));
    m_text->setPlaceholderText(tr("Words in the note, names, e-mail…"));
    m_text->setClearButtonEnabled(true);
    m_clear = new QPushButton(tr("C&lear filters"), this);
    m_clear->setObjectName(QStringLiteral("clearFiltersButton"));
    m_matches = new QLabel(this);
    m_matches->setObjectName(QStringLiteral("matchesLabel"));
}

QGridLayout *IncidentsPage::createFilterGrid()
{
    auto *filters = new QGridLayout;
    auto add = [&](int row, int col, const QString &label, QWidget *w) {
        auto *l = new QLabel(label, this);
        l->setBuddy(w);
        filters->addWidget(l, row, col * 2);
        filters->addWidget(w, row, col * 2 + 1);
    };
    add(0, 0, tr("T&ype:"), m_type);
    add(0, 1, tr("&From:"), m_from);
    add(0, 2, tr("T&o:"), m_to);
    add(0, 3, tr("Tea&cher:"), m_teacher);
    add(1, 0, tr("Cl&ass:"), m_class);
    add(1, 1, tr("St&udent:"), m_student);
    add(1, 2, tr("Cate&gory:"), m_category);
    add(1, 3, tr("Searc&h:"), m_text);
    filters->addWidget(m_clear, 0, 8);
    filters->addWidget(m_matches, 1, 8);
    filters->setColumnStretch(7, 1);

    return filters;
}

// The list with its details pane, and the charts, as two tabs.
void IncidentsPage::createList()
{
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("incidentView"));
    m_view->setAccessibleName(tr("Incidents and commendations"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(IncidentModel::TimeColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(22);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->resizeSection(IncidentModel::TimeColumn, 130);
    m_view->horizontalHeader()->resizeSection(IncidentModel::TeacherColumn, 220);
    m_details = new QTextBrowser(this);
    m_details->setObjectName(QStringLiteral("detailsPane"));
    m_details->setAccessibleName(tr("Details of the selected log"));

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_view);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *listTab = new QWidget(this);
    auto *listLayout = new QVBoxLayout(listTab);
    listLayout->addWidget(split, 1);
    listLayout->addWidget(createActions());

    m_charts = new ChartsPanel(this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("incidentTabs"));
    m_tabs->addTab(listTab, tr("&List"));
    m_tabs->addTab(m_charts, tr("Cha&rts"));
}

// Under the list: what an administrator takes away from it (the list as filtered, one student's history).
QWidget *IncidentsPage::createActions()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_saveMessage = new QLabel(bar);
    m_saveMessage->setObjectName(QStringLiteral("saveMessage"));
    m_saveMessage->setWordWrap(true);
    m_saveMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_history = new QPushButton(tr("Student's &history (PDF)…"), bar);
    m_history->setObjectName(QStringLiteral("studentHistoryButton"));
    m_history->setToolTip(tr("Every incident and commendation of the selected log's student, in time order, as a PDF "
                             "to print or send."));
    m_history->setEnabled(false);
    m_export = new QPushButton(tr("&Export the list"), bar);
    m_export->setObjectName(QStringLiteral("exportListButton"));
    m_export->setToolTip(tr("The logs shown (filtered and sorted as in the list), for a spreadsheet or to print."));
    auto *menu = new QMenu(m_export);
    QAction *csv = menu->addAction(tr("As a &CSV file for a spreadsheet…"), this, [this] { exportList(ListFormat::Csv); });
    csv->setObjectName(QStringLiteral("exportCsvAction"));
    QAction *pdf = menu->addAction(tr("As a &PDF document to print…"), this, [this] { exportList(ListFormat::Pdf); });
    pdf->setObjectName(QStringLiteral("exportPdfAction"));
    m_export->setMenu(menu);
    connect(m_history, &QPushButton::clicked, this, &IncidentsPage::printStudentHistory);
    row->addWidget(m_saveMessage, 1);
    row->addWidget(m_history);
    row->addWidget(m_export);
    return bar;
}

// Every filter widget feeds the session; the session's results come back to the list.
void IncidentsPage::connectFilters()
{
    connect(m_type, &QComboBox::currentIndexChanged, this, [this] { m_filter->setType(m_type->currentData().toInt()); });
    auto dates = [this] {
        m_filter->setDateRange(m_from->date() == AnyDate ? QDate() : m_from->date(), m_to->date() == AnyDate ? QDate() : m_to->date());
    };
    connect(m_from, &QDateEdit::dateChanged, this, dates);
    connect(m_to, &QDateEdit::dateChanged, this, dates);
    connect(m_teacher, &QComboBox::currentTextChanged, m_filter, &IncidentsSession::setTeacher);
    connect(m_class, &QComboBox::currentTextChanged, m_filter, &IncidentsSession::setClassCode);
    connect(m_category, &QComboBox::currentIndexChanged, this, [this] { m_filter->setCategory(m_category->currentData().toString()); });
    connect(m_student, &QLineEdit::textChanged, m_filter, &IncidentsSession::setStudent);
    connect(m_text, &QLineEdit::textChanged, m_filter, &IncidentsSession::setText);
    connect(m_clear, &QPushButton::clicked, this, [this] {
        m_type->setCurrentIndex(0);
        m_from->setDate(AnyDate);
        m_to->setDate(AnyDate);
        m_teacher->setCurrentText(QString());
        m_class->setCurrentText(QString());
        m_category->setCurrentIndex(0);
        m_student->clear();
        m_text->clear();
    });
    connect(m_filter, &IncidentsSession::criteriaChanged, this, [this] { m_matches->setText(tr("Filtering…")); });
    connect(m_filter, &IncidentsSession::filterChanged, this, &IncidentsPage::refilter);
    connect(m_filter, &IncidentsSession::recordsLoaded, this, &IncidentsPage::fillCombos);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &IncidentsPage::showDetails);
    connect(m_session, &RecoverySession::recordsChanged, this, [this] {
        if (isVisible())
            reload();
    });
}

void IncidentsPage::setTabOrders()
{
    setTabOrder(m_type, m_from);
    setTabOrder(m_from, m_to);
    setTabOrder(m_to, m_teacher);
    setTabOrder(m_teacher, m_clear);
    setTabOrder(m_clear, m_class);
    setTabOrder(m_class, m_student);
    setTabOrder(m_student, m_category);
    setTabOrder(m_category, m_text);
    setTabOrder(m_text, m_tabs);
    setTabOrder(m_tabs, m_view);
    setTabOrder(m_view, m_details);
    setTabOrder(m_details, m_history);
    setTabOrder(m_history, m_export);
}

void IncidentsPage::initializePage()
{
    reload();
}

void IncidentsPage::reload()
{
    if (!m_session->hasProject() || m_loadedGeneration == m_session->recordsGeneration())
        return;
    m_loadedGeneration = m_session->recordsGeneration();
    auto records = m_session->accepted();
    const QTimeZone zone = m_session->project().timeZone();
    m_model->setRecords(records, zone);
    m_filter->loadRecords(records, zone); // indexed on a worker: recordsLoaded, then filterChanged
}

void IncidentsPage::fillCombos()
{
    const QString teacher = m_teacher->currentText(), cls = m_class->currentText(), cat = m_category->currentData().toString();
    QSignalBlocker b1(m_teacher), b2(m_class), b3(m_category);
    m_teacher->clear();
    m_teacher->addItem(QString());
    m_teacher->addItems(m_filter->teachers());
    m_teacher->setCurrentText(teacher);
    m_class->clear();
    m_class->addItem(QString());
    m_class->addItems(m_filter->classCodes());
    m_class->setCurrentText(cls);
    m_category->clear();
    m_category->addItem(tr("Any category"), QString());
    for (const QString &c : m_filter->categories())
        m_category->addItem(c, c);
    m_category->setCurrentIndex(qMax(0, m_category->findData(cat)));
}

void IncidentsPage::refilter()
{
    // The new rows replace the list: the selected log stays selected (and in view) if it is still shown.
    const QModelIndex current = m_proxy->mapToSource(m_view->selectionModel()->currentIndex());
    m_proxy->refilter();
    if (const QModelIndex again = m_proxy->mapFromSource(current); again.isValid()) {
        m_view->selectionModel()->setCurrentIndex(again, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_view->scrollTo(again);
    }
    const int total = m_model->rowCount();
    m_matches->setText(m_filter->isActive() ? tr("%L1 of %L2 logs").arg(m_filter->matches()).arg(total) : tr("%L1 logs").arg(total));
    m_charts->setStats(m_filter->stats());
    m_export->setEnabled(m_filter->matches() > 0);
    showDetails();
}

void IncidentsPage::showDetails()
{
    const IncidentRecord *r = selectedRecord();
    m_history->setEnabled(r && (!r->studentId.isEmpty() || !r->studentName.isEmpty()));
    if (!r) {
        m_details->setHtml(tr("<p>Select a log to see all of it here.</p>"));
        return;
    }
    const auto &sources = m_session->project().sources();
    const QString src = r->sourceIndex >= 0 && size_t(r->sourceIndex) < sources.size() ? sources[size_t(r->sourceIndex)].displayName() : QString();
    auto row = [](const QString &k, const QString &v) {
        return QStringLiteral("<tr><th align=left valign=top>%1</th><td>%2</td></tr>").arg(k.toHtmlEscaped(), v.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>")));
    };
    QString html = QStringLiteral("<table cellspacing=4>");
    html += row(tr("When"), m_model->timeText(*r));
    html += row(tr("Type"), r->type == RecordType::Incident ? tr("Incident") : tr("Commendation"));
    html += row(tr("Student"), r->studentName);
    html += row(tr("Student ID"), r->studentId);
    html += row(tr("Class"), r->classCode);
    html += row(tr("Teacher"), r->teacherEmail);
    html += row(tr("Level"), r->level);
    html += row(tr("Category"), r->category);
    html += row(tr("Location"), r->location);
    html += row(tr("Action taken"), r->actionTaken);
    html += row(tr("Note"), r->note);
    html += row(tr("Log id"), r->uuid + ((r->flags & IncidentRecord::UuidGenerated) ? tr(" (made by this tool: the row had none)") : QString()));
    html += row(tr("From"), tr("%1, row %2").arg(src).arg(r->sourceRow));
    html += row(tr("Device"), r->device);
    html += QStringLiteral("</table>");
    m_details->setHtml(html);
}

const IncidentRecord *IncidentsPage::selectedRecord() const
{
    const QModelIndex cur = m_view->selectionModel()->currentIndex();
    return cur.isValid() ? m_model->record(m_proxy->mapToSource(cur).row()) : nullptr;
}

// The rows as the list shows them: filtered, in the list's sort order.
std::vector<int> IncidentsPage::shownRows() const
{
    std::vector<int> rows;
    const int n = m_proxy->rowCount();
    rows.reserve(size_t(n));
    for (int i = 0; i < n; ++i)
        rows.push_back(m_proxy->mapToSource(m_proxy->index(i, 0)).row());
    return rows;
}

QString IncidentsPage::filterSummary() const
{
    QStringList parts;
    if (m_type->currentIndex() > 0)
        parts << tr("type: %1").arg(m_type->currentText());
    if (m_filter->from().isValid())
        parts << tr("from %1").arg(m_filter->from().toString(Qt::ISODate));
    if (m_filter->to().isValid())
        parts << tr("to %1").arg(m_filter->to().toString(Qt::ISODate));
    if (!m_filter->teacher().isEmpty())
        parts << tr("teacher: %1").arg(m_filter->teacher());
    if (!m_filter->classCode().isEmpty())
        parts << tr("class: %1").arg(m_filter->classCode());
    if (!m_filter->student().isEmpty())
        parts << tr("student: %1").arg(m_filter->student());
    if (!m_filter->category().isEmpty())
        parts << tr("category: %1").arg(m_filter->category());
    if (!m_filter->text().isEmpty())
        parts << tr("text: “%1”").arg(m_filter->text());
    return parts.join(QStringLiteral(" · "));
}

void IncidentsPage::exportList(ListFormat format)
{
    const QString folder = QFileInfo(m_session->projectPath()).absolutePath();
    const QString path = format == ListFormat::Csv
                             ? QFileDialog::getSaveFileName(this, tr("Export the incident list as CSV"),
                                                            folder + QStringLiteral("/incidents.csv"), tr("CSV files (*.csv)"))
                             : QFileDialog::getSaveFileName(this, tr("Export the incident list as PDF"),
                                                            folder + QStringLiteral("/incidents.pdf"), tr("PDF documents (*.pdf)"));
    if (!path.isEmpty())
        exportListTo(path, format);
}

void IncidentsPage::printStudentHistory()
{
    const IncidentRecord *r = selectedRecord();
    if (!r)
        return;
    QString base = (r->studentName.isEmpty() ? r->studentId : r->studentName).simplified();
    base.replace(QRegularExpression(QStringLiteral("[^\\w-]+")), QStringLiteral("-"));
    const QString folder = QFileInfo(m_session->projectPath()).absolutePath();
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the student's history as PDF"),
                                                      folder + u'/' + tr("history-%1.pdf").arg(base), tr("PDF documents (*.pdf)"));
    if (!path.isEmpty())
        printStudentHistoryTo(path);
}

bool IncidentsPage::finishSave(bool ok, const QString &path, const QString &what, const QString &error)
{
    const QString shown = QDir::toNativeSeparators(path);
    if (ok) {
        theme::setProblem(m_saveMessage, false);
        m_saveMessage->setText(tr("%1 saved to %2.").arg(what, shown));
    } else {
        theme::setProblem(m_saveMessage, true);
        m_saveMessage->setText(tr("Could not save %1 to %2: %3. Choose another folder (one you can write to, with free "
                                  "space) and try again.")
                                   .arg(what.toLower(), shown, error));
    }
    return ok;
}

namespace {
IncidentListContext listContext(const RecoverySession *session)
{
    IncidentListContext c;
    c.schoolName = session->project().school().name;
    c.zone = session->project().timeZone();
    for (const auto &source : session->project().sources())
        c.sourceNames << source.displayName();
    return c;
}

// A PDF through core's PrivateFile: 0600 from the start, like every file with children's data, and nothing is
// left behind when it fails.
bool writePdf(const QString &path, const QString &html, const QString &title, QString *error)
{
    try {
        PrivateFile f(path);
        if (!printHtmlToPdf(html, &f.device(), title)) {
            *error = f.device().errorString();
            return false;
        }
        f.commit();
    } catch (const std::exception &e) {
        *error = QString::fromUtf8(e.what());
        return false;
    }
    return true;
}
} // namespace

bool IncidentsPage::exportListTo(const QString &path, ListFormat format)
{
    if (!m_session->hasProject())
        return finishSave(false, path, tr("The incident list"), tr("no project is open"));
    IncidentListContext context = listContext(m_session);
    context.filterSummary = filterSummary();
    const std::vector<int> rows = shownRows();
    QString error;
    bool ok = true;
    if (format == ListFormat::Csv) {
        try {
            writeIncidentListCsv(m_filter->records(), rows, context, path);
        } catch (const std::exception &e) {
            ok = false;
            error = QString::fromUtf8(e.what());
        }
    } else {
        ok = writePdf(path, renderIncidentListHtml(m_filter->records(), rows, context), tr("Recovered incidents"), &error);
    }
    return finishSave(ok, path, tr("The list of %Ln logs", nullptr, int(rows.size())), error);
}

bool IncidentsPage::printStudentHistoryTo(const QString &path)
{
    const IncidentRecord *r = selectedRecord();
    if (!r || !m_session->hasProject())
        return finishSave(false, path, tr("The student's history"), tr("no log is selected"));
    const std::vector<int> rows = m_filter->rowsOfStudent(r->studentId, r->studentName);
    QString error;
    const bool ok = writePdf(path, renderStudentHistoryHtml(m_filter->records(), rows, listContext(m_session)),
                             tr("Behaviour history"), &error);
    return finishSave(ok, path, tr("The history of %1 (%Ln logs)", nullptr, int(rows.size())).arg(r->studentName), error);
}

} // namespace tt::ui
