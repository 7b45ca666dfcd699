#include "schoollistdialog.h"
#include "theme.h"

#include "models/previewmodel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace tt::ui {

namespace {
QString letter(int column)
{
    QString s;
    for (int c = column + 1; c > 0; c = (c - 1) / 26)
        s.prepend(QChar(u'A' + (c - 1) % 26));
    return s;
}
} // namespace

SchoolListDialog::SchoolListDialog(const QString &path, SchoolListColumns columns, QWidget *parent)
    : QDialog(parent), m_columns(std::move(columns))
{
    setObjectName(QStringLiteral("schoolListDialog"));
    const bool roster = m_columns.kind == SchoolListColumns::Roster;
    setWindowTitle(roster ? tr("Columns of the school roster") : tr("Columns of the staff list"));
    auto *intro = new QLabel(tr("<b>%1</b>: check which column holds each field. They were guessed from the header "
                                "(row %2); the first rows are shown below.")
                                 .arg(QFileInfo(path).fileName().toHtmlEscaped())
                                 .arg(m_columns.headerRow),
                             this);
    intro->setWordWrap(true);

    auto *form = new QFormLayout;
    for (const QString &key : SchoolListColumns::fieldKeys(m_columns.kind)) {
        auto *combo = new QComboBox(this);
        combo->setObjectName(QStringLiteral("schoolListField_") + key);
        combo->setAccessibleName(tr("Column for %1").arg(SchoolListColumns::fieldTitle(key)));
        combo->addItem(tr("(not in this file)"), -1);
        for (int c = 0; c < m_columns.headers.size(); ++c)
            combo->addItem(tr("%1: %2").arg(letter(c), m_columns.headers.at(c)), c);
        combo->setCurrentIndex(combo->findData(m_columns.column(key)));
        connect(combo, &QComboBox::currentIndexChanged, this, [this, key, combo] {
            m_columns.setColumn(key, combo->currentData().toInt());
            refresh();
        });
        form->addRow(SchoolListColumns::fieldTitle(key) + u':', combo);
        m_combos[key] = combo;
    }
    if (roster) {
        QStringList g;
        for (int c : m_columns.guardians)
            g << tr("%1 (%2)").arg(letter(c), m_columns.headers.value(c));
        auto *guardians = new QLabel(g.isEmpty() ? tr("none found (headers starting with Guardian, Parent or Caregiver)")
                                                 : g.join(QStringLiteral(", ")),
                                     this);
        guardians->setWordWrap(true);
        form->addRow(tr("Guardians:"), guardians);
    }

    m_preview = new PreviewModel(this);
    auto *view = new QTableView(this);
    view->setObjectName(QStringLiteral("schoolListPreview"));
    view->setAccessibleName(tr("The first rows of the file"));
    view->setModel(m_preview);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(22);
    view->horizontalHeader()->setDefaultSectionSize(130);

    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("schoolListProblem"));
    m_problem->setWordWrap(true);
    theme::setProblem(m_problem, true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Import"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(view, 1);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(760, 560);
    refresh();
}

void SchoolListDialog::refresh()
{
    QStringList mapped(m_columns.headers.size());
    for (auto it = m_columns.fields.cbegin(); it != m_columns.fields.cend(); ++it)
        if (it.value() >= 0 && it.value() < mapped.size())
            mapped[it.value()] = SchoolListColumns::fieldTitle(it.key());
    for (int c : m_columns.guardians)
        if (c < mapped.size() && mapped[c].isEmpty())
            mapped[c] = tr("Guardian");
    int width = int(m_columns.headers.size());
    for (const SheetRow &r : m_columns.preview)
        width = qMax(width, int(r.cells.size()));
    m_preview->setRows(m_columns.preview, width, mapped);
    const QString problem = m_columns.problem();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_ok->setEnabled(problem.isEmpty());
}

} // namespace tt::ui
