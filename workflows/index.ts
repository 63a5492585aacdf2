export { caseWorkflow } from './caseWorkflow';
export { aftercareWorkflow } from './aftercareWorkflow';
export { complaintWorkflow } from './complaintWorkflow';
