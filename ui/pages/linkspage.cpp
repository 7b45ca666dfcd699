#include "linkspage.h"

#include "models/unlinkedmodel.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"

#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace tt::ui {

LinksPage::LinksPage(RecoverySession *session, RosterSession *roster, QWidget *parent) : WizardPage(session, parent), m_roster(roster)
{
    setObjectName(QStringLiteral("linksPage"));
    setTitle(tr("Links"));
    setSubTitle(tr("Each incident must point at its student, classroom and teacher once they are restored. "
                   "Logs that would not are listed below with the reason: fix them on the earlier pages."));
    auto bar = [this](const QString &name, const QString &accessible) {
        auto *b = new QProgressBar(this);
        b->setObjectName(name);
        b->setAccessibleName(accessible);
        b->setRange(0, 1000);
        b->setTextVisible(true);
        return b;
    };
    m_student = bar(QStringLiteral("studentLinkBar"), tr("Linked to a student"));
    m_classroom = bar(QStringLiteral("classroomLinkBar"), tr("Linked to a classroom"));
    m_teacher = bar(QStringLiteral("teacherLinkBar"), tr("Linked to a teacher"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("linksSummaryLabel"));
    m_summary->setWordWrap(true);
    m_reasons = new QLabel(this);
    m_reasons->setObjectName(QStringLiteral("linkReasonsLabel"));
    m_reasons->setWordWrap(true);

    m_model = new UnlinkedModel(session, roster, this);
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("unlinkedView"));
    m_view->setAccessibleName(tr("Logs that are not linked"));
    m_view->setModel(proxy);
    m_view->setSortingEnabled(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(22);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->resizeSection(UnlinkedModel::WhenColumn, 130);
    m_view->horizontalHeader()->resizeSection(UnlinkedModel::StudentColumn, 170);
    m_view->horizontalHeader()->resizeSection(UnlinkedModel::TeacherColumn, 280);

    auto *form = new QFormLayout;
    form->addRow(tr("Linked to a student:"), m_student);
    form->addRow(tr("Linked to a classroom:"), m_classroom);
    form->addRow(tr("Linked to a teacher:"), m_teacher);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addLayout(form);
    layout->addWidget(m_reasons);
    layout->addWidget(m_view, 1);

    connect(roster, &RosterSession::rosterChanged, this, &LinksPage::refresh);
    refresh();
}

void LinksPage::initializePage()
{
    m_roster->ensureBuilt();
    refresh();
}

bool LinksPage::isComplete() const
{
    return WizardPage::isComplete() && m_roster->isBuilt();
}

QString LinksPage::attention() const
{
    if (!m_roster->isBuilt())
        return {};
    const LinkSummary &s = m_roster->roster().summary;
    const qint64 worst = s.total - qMin(s.student, qMin(s.classroom, s.teacher));
    return worst > 0 ? tr("%Ln log(s) not fully linked", nullptr, int(worst)) : QString();
}

void LinksPage::refresh()
{
    const LinkSummary &s = m_roster->roster().summary;
    auto set = [&](QProgressBar *b, qint64 n) {
        const double pct = s.total > 0 ? 100.0 * double(n) / double(s.total) : 0.0;
        b->setValue(int(pct * 10));
        b->setFormat(tr("%1% (%L2 of %L3)").arg(QLocale().toString(pct, 'f', 1)).arg(n).arg(s.total));
    };
    set(m_student, s.student);
    set(m_classroom, s.classroom);
    set(m_teacher, s.teacher);
    if (!m_roster->isBuilt()) {
        m_summary->setText(tr("Rebuilding the roster from the logs…"));
        m_reasons->clear();
    } else {
        m_summary->setText(tr("%L1 logs in all; %L2 are listed below because a link is missing.").arg(s.total).arg(m_model->rowCount()));
        QStringList reasons;
        for (auto it = m_roster->roster().unlinkedReasons.cbegin(); it != m_roster->roster().unlinkedReasons.cend(); ++it)
            reasons << tr("%1: %L2").arg(it.key().toHtmlEscaped()).arg(it.value());
        m_reasons->setText(reasons.isEmpty() ? tr("Every log links to its student and classroom.")
                                             : tr("<b>Why:</b> %1").arg(reasons.join(QStringLiteral(" · "))));
    }
    emit completeChanged();
    emit statusChanged();
}

} // namespace tt::ui
