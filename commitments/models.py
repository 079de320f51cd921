"""Commitments (pledges) of aid against recipients' needs: built in the commitments issue."""
