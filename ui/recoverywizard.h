#pragma once
// The recovery wizard: one page per step; pages only bind to the core session objects.
#include <QWizard>

namespace tt {
class DatabaseSession;
class IncidentsSession;
class ReadinessSession;
class RecoverySession;
class RosterSession;
class SourcesSession;
}

namespace tt::ui {

class WizardPage;

class RecoveryWizard : public QWizard
{
    Q_OBJECT
public:
    enum Step { ProjectStep, SourcesStep, ValidateStep, IncidentsStep, TeachersStep, ClassroomsStep, StudentsStep,
                LinksStep, DatabaseStep, PlanStep, CommitStep, VerifyStep, StepCount };
    RecoveryWizard(RecoverySession *session, SourcesSession *sources, IncidentsSession *filter, RosterSession *roster,
                   DatabaseSession *database, QWidget *parent = nullptr);

    WizardPage *stepPage(int step) const;
    ReadinessSession *readiness() const { return m_readiness; }
    // Opens the step a readiness item names ("students", "validate", …) on the row with that key.
    void openReadinessItem(const QString &step, const QString &row);
    QString stepTitle(int step) const;
    // Goes forward to the step (as far as the pages allow), keeping the history so Back works.
    void jumpTo(int step);
    bool isJumping() const { return m_jumping; }

signals:
    void stepsChanged();

private:
    RecoverySession *m_session;
    ReadinessSession *m_readiness;
    bool m_jumping = false;
};

} // namespace tt::ui
