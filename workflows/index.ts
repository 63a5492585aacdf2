export { caseWorkflow } from './caseWorkflow';
export { aftercareWorkflow } from './aftercareWorkflow';
export { complaintWorkflow } from './complaintWorkflow';
export { callbackWorkflow } from './callbackWorkflow';
export { maintenanceWorkflow } from './maintenanceWorkflow';
