export { caseWorkflow } from './caseWorkflow';
export { aftercareWorkflow } from './aftercareWorkflow';
