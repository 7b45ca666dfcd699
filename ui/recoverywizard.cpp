#include "recoverywizard.h"

#include "pages/databasepages.h"
#include "pages/incidentspage.h"
#include "pages/linkspage.h"
#include "pages/projectpage.h"
#include "pages/rosterpage.h"
#include "pages/sourcespage.h"
#include "pages/validatepage.h"
#include "session/envchecksession.h"
#include "session/envsetupsession.h"
#include "session/protectsession.h"
#include "session/readinesssession.h"
#include "session/recoverysession.h"
#include "session/validationsession.h"

#include <QAbstractButton>
#include <QHash>

namespace tt::ui {

RecoveryWizard::RecoveryWizard(RecoverySession *session, SourcesSession *sources, IncidentsSession *filter,
                               RosterSession *roster, DatabaseSession *database, QWidget *parent)
    : QWizard(parent), m_session(session), m_readiness(new ReadinessSession(session, roster, database, this))
{
    setObjectName(QStringLiteral("recoveryWizard"));
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoCancelButton, true);
    setOption(QWizard::NoBackButtonOnStartPage, true);
    setOption(QWizard::HaveFinishButtonOnEarlyPages, false);
    setButtonText(QWizard::FinishButton, tr("&Finish"));
    setButtonText(QWizard::NextButton, tr("&Next >"));
    setButtonText(QWizard::BackButton, tr("< &Back"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("nextButton"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("backButton"));
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("finishButton"));

    auto *project = new ProjectPage(session, new EnvSetupSession(session, database, this), new ProtectSession(this), this);
    setPage(ProjectStep, project);
    setPage(SourcesStep, new SourcesPage(session, sources, roster, this));
    setPage(ValidateStep, new ValidatePage(session, new ValidationSession(session, this), this));
    setPage(IncidentsStep, new IncidentsPage(session, filter, this));
    setPage(TeachersStep, new RosterPage(RosterPage::Teachers, session, roster, this));
    setPage(ClassroomsStep, new RosterPage(RosterPage::Classrooms, session, roster, this));
    setPage(StudentsStep, new RosterPage(RosterPage::Students, session, roster, this));
    setPage(LinksStep, new LinksPage(session, roster, this));
    setPage(DatabaseStep, new DatabasePage(session, database, new EnvCheckSession(session, database, this), this));
    auto *plan = new PlanPage(session, database, roster, m_readiness, this);
    setPage(PlanStep, plan);
    setPage(CommitStep, new CommitPage(session, database, m_readiness, this));
    setPage(VerifyStep, new VerifyPage(session, database, roster, this));
    for (int i = 0; i < StepCount; ++i)
        connect(stepPage(i), &WizardPage::statusChanged, this, &RecoveryWizard::stepsChanged);
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        if (id >= 0 && m_session->hasProject() && !m_jumping) {
            m_session->setStep(id, stepPage(id)->objectName());
            m_session->saveNow();
        }
        emit stepsChanged();
    });
    connect(plan, &PlanPage::openItem, this, &RecoveryWizard::openReadinessItem);
    connect(project, &ProjectPage::projectCreated, this, [this] { next(); });
    connect(project, &ProjectPage::projectOpenedFromFile, this, [this] { jumpTo(qMax(1, m_session->savedStep())); });
}

void RecoveryWizard::openReadinessItem(const QString &step, const QString &row)
{
    static const QHash<QString, int> steps{
        {QStringLiteral("validate"), ValidateStep},   {QStringLiteral("teachers"), TeachersStep},
        {QStringLiteral("classrooms"), ClassroomsStep}, {QStringLiteral("students"), StudentsStep},
        {QStringLiteral("links"), LinksStep},         {QStringLiteral("database"), DatabaseStep},
        {QStringLiteral("plan"), PlanStep},           {QStringLiteral("commit"), CommitStep},
    };
    const auto it = steps.constFind(step);
    if (it == steps.constEnd())
        return;
    jumpTo(it.value());
    if (currentId() == it.value() && !row.isEmpty())
        stepPage(currentId())->showRow(row);
}

WizardPage *RecoveryWizard::stepPage(int step) const
{
    return qobject_cast<WizardPage *>(page(step));
}

QString RecoveryWizard::stepTitle(int step) const
{
    return page(step) ? page(step)->title() : QString();
}

void RecoveryWizard::jumpTo(int step)
{
    step = qBound(0, step, StepCount - 1);
    m_jumping = true;
    if (currentId() > step)
        restart();
    while (currentId() >= 0 && currentId() < step) {
        const int before = currentId();
        next();
        if (currentId() == before)
            break; // the page is not ready (e.g. no sources): stay here
    }
    m_jumping = false;
    if (m_session->hasProject()) {
        m_session->setStep(currentId(), stepPage(currentId())->objectName());
        m_session->saveNow();
    }
    emit stepsChanged();
}

} // namespace tt::ui
