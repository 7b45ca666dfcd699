#include "wizardpage.h"

#include "session/recoverysession.h"

namespace tt::ui {

WizardPage::WizardPage(RecoverySession *session, QWidget *parent) : QWizardPage(parent), m_session(session)
{
    connect(session, &RecoverySession::busyChanged, this, [this] { emit completeChanged(); });
    connect(session, &RecoverySession::projectChanged, this, &WizardPage::statusChanged);
    connect(this, &QWizardPage::completeChanged, this, &WizardPage::statusChanged);
}

bool WizardPage::isComplete() const
{
    return !m_session->isBusy() && m_session->hasProject();
}

} // namespace tt::ui
