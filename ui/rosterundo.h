#pragma once
// Undo/redo for the roster pages: every edit RosterSession reports (decisionsEdited) becomes a QUndoCommand
// that puts the decisions before or after it back. The decisions are small implicitly shared maps, so each
// step keeps two whole copies rather than a hand-written inverse per kind of edit.
#include "roster/rosterdecisions.h"

#include <QUndoCommand>

class QUndoStack;

namespace tt {
class RecoverySession;
class RosterSession;
}

namespace tt::ui {

class RosterEditCommand : public QUndoCommand
{
public:
    RosterEditCommand(RosterSession *roster, RosterDecisions before, RosterDecisions after, const QString &text);
    void undo() override;
    void redo() override;

private:
    RosterSession *m_roster;
    RosterDecisions m_before;
    RosterDecisions m_after;
    bool m_done = true; // pushed after the edit already happened: the first redo() does nothing
};

// A stack fed by the roster session's edits, emptied when another project opens.
QUndoStack *createRosterUndoStack(RecoverySession *session, RosterSession *roster, QObject *parent);

} // namespace tt::ui
