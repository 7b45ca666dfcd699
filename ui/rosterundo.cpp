#include "rosterundo.h"

#include "session/recoverysession.h"
#include "session/rostersession.h"

#include <QUndoStack>

namespace tt::ui {

RosterEditCommand::RosterEditCommand(RosterSession *roster, RosterDecisions before, RosterDecisions after,
                                     const QString &text)
    : m_roster(roster), m_before(std::move(before)), m_after(std::move(after))
{
    setText(text);
}

void RosterEditCommand::undo()
{
    m_roster->restoreDecisions(m_before);
    m_done = false;
}

void RosterEditCommand::redo()
{
    if (m_done)
        return; // QUndoStack::push calls redo(); the edit is already in place
    m_roster->restoreDecisions(m_after);
    m_done = true;
}

QUndoStack *createRosterUndoStack(RecoverySession *session, RosterSession *roster, QObject *parent)
{
    auto *stack = new QUndoStack(parent);
    stack->setObjectName(QStringLiteral("rosterUndoStack"));
    QObject::connect(roster, &RosterSession::decisionsEdited, stack,
                     [stack, roster](const RosterDecisions &before, const RosterDecisions &after, const QString &what) {
                         stack->push(new RosterEditCommand(roster, before, after, what));
                     });
    QObject::connect(session, &RecoverySession::projectOpened, stack, &QUndoStack::clear);
    return stack;
}

} // namespace tt::ui
