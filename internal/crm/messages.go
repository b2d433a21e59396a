package crm

// Every message zcrm answers with, worded exactly as Zoho words it (typos included: clients and
// tests compare them). A constant is named for what its message says, so that two look-alike
// messages never share a name.

// Every API: routing, authentication, scopes, editions, permissions and the shapes of input.
const (
	MsgCheckURL                    = "Please check if the URL trying to access is a correct one"
	MsgRequestMethodInvalid        = "The http request method type is not a valid one"
	MsgModuleNameInvalid           = "the module name given seems to be invalid"
	MsgModuleNotSupportedInAPI     = "The given module is not supported in API"
	MsgRelatedIDGivenInvalid       = "the related id given seems to be invalid"
	MsgIDGivenInvalid              = "the id given seems to be invalid"
	MsgGivenIDInvalid              = "the given id seems to be invalid"
	MsgGivenIDInvalidItem          = "given id seems to be invalid" // an enrol/un-enrol item's record id (Zoho's v8 examples)
	MsgRelationNameGivenInvalid    = "the relation name given seems to be invalid"
	MsgWrongFormat                 = "either the request body or parameters is in wrong format"
	MsgExpectedParamMissing        = "One of the expected parameter is missing"
	MsgRequiredFieldNotFound       = "required field not found"
	MsgInvalidData                 = "invalid data"
	MsgPermissionDenied            = "permission denied"
	MsgInvalidOAuthToken           = "invalid oauth token"
	MsgAuthenticationFailed        = "Authentication failed"
	MsgInvalidOAuthScope           = "invalid oauth scope to access this URL"
	MsgFeatureNotInEdition         = "Feature is not supported in this edition"
	MsgInternalServerError         = "Internal Server Error"
	MsgInternalServerErrorOccurred = "Internal server error occurred."
	MsgInvalidDataType             = "Invalid data type"
	MsgSpecifyAtLeastOneField      = "Specify atleast one field"
	MsgValueGivenInvalid           = "the value given seems to be invalid"
	MsgAPINotSupported             = "api not supported"
	MsgAPINotServed                = "zcrm does not serve this API yet"
)

// The records APIs (the privilege messages follow the pattern of Zoho's related-records ones; Zoho
// documents none for records).
const (
	MsgRecordAdded               = "record added"
	MsgRecordUpdated             = "record updated"
	MsgRecordDeleted             = "record deleted"
	MsgRecordNotDeleted          = "record not deleted"
	MsgNoPrivilegeUpdateRecords  = "User does not have sufficient privilege to update records"
	MsgNoPrivilegeDeleteRecords  = "User does not have sufficient privilege to delete records"
	MsgMoreThan100Records        = "Limit Exceeded, You cannot give more than 100 records"
	MsgMoreThan100RecordIDs      = "Limit Exceeded, You cannot give more than 100 record ids"
	MsgFieldsLimitExceeded       = "Fields limit exceeded"
	MsgFirst2000WithoutPageToken = "You can only get the first 2000 records without using page_token param"
)

// Related records and a deal's contact roles; the privilege messages are AUTHORIZATION_FAILED's,
// when data sharing forbids the change.
const (
	MsgRelationAdded            = "relation added"
	MsgRelationUpdated          = "relation updated"
	MsgRelationRemoved          = "relation removed"
	MsgRelationNotFound         = "relation not found"
	MsgRelationNotSupported     = "the relation given is not supported for this operation"
	MsgNoPrivilegeDeleteRelated = "User does not have sufficient privilege to delete related records data"
	MsgNoPrivilegeUpdateRelated = "User does not have sufficient privilege to update related records data"
)

// Contact role definitions and a deal's contact roles.
const (
	MsgRoleAdded                     = "contact role added"
	MsgRoleUpdated                   = "contact role updated"
	MsgRoleDeleted                   = "contact role deleted"
	MsgRoleNotDeleted                = "contact role not deleted"
	MsgDuplicateData                 = "duplicate data"
	MsgContactRoleLimitExceeded      = "Contact Role feature limit exceeded"
	MsgContactRoleLowerLimit         = "Contact Role lower limit reached"
	MsgNoPrivilegeDeleteContactRoles = "User does not have sufficient privilege to delete contact roles"
	MsgNoPrivilegeUpdateContactRoles = "User does not have sufficient privilege to update contact roles"
)

// The cadences APIs (their NO_PERMISSION message is "No permission").
const (
	MsgNoPermission                  = "No permission"
	MsgCadenceCreated                = "Cadences created successfully"
	MsgCadenceUpdated                = "Cadences updated successfully"
	MsgCadenceDeleted                = "Cadences deleted successfully"
	MsgCadencePublished              = "Cadences published successfully"
	MsgCadenceActivated              = "Cadences activated successfully"
	MsgCadenceDeactivated            = "Cadences deactivated successfully"
	MsgRecordsEnrolled               = "records manually enrolled"
	MsgRecordsUnenrolled             = "records manually unenrolled"
	MsgCadenceNameExists             = "A Cadences with the same name already exists"
	MsgDependentFieldMissing         = "Dependent Field missing"
	MsgDependentFieldIsMissing       = "dependent field is missing"
	MsgAmbiguity                     = "Ambiguity while processing the request"
	MsgDependentFieldNotMatching     = "Dependent Field is not matching"
	MsgNameSpecialCharacters         = "Name should not contain the following special character : #%^"
	MsgCadencesNotSupportedForModule = "Cadences are not supported for the given module"
	MsgUnenrollTypeLimit             = "Given unenroll type limit is exceeded"
	MsgUnitBetween1And99             = "unit value must be between 1 to 99"
	MsgDateFormatMMDDYYYY            = "the given format is invalid please provide the value as MM/DD/YYYY"
	MsgGivenModuleNotExist           = "the given module doesn't exist"
	MsgCadenceAlreadyDeactivated     = "The cadences is already deactivated"
	MsgCadenceAlreadyActivated       = "The cadences is already activated"
	MsgOnlyDraftsMerge               = "Cannot merge published Cadences / Only Cadences in draft can be merged with its parent"
	MsgPublishNeedsFollowUp          = "Cadence must contain at least one follow-up to publish"
	MsgManualNoProcessExisting       = "For manual Enrollment we wont add process_existing_records key not allowed"
	MsgOnlyPublishedActivate         = "Only published Cadences can be activated"
	MsgActivePerModuleLimit          = "More than 30 Cadences cannot be activated for module"
	MsgActivePerOrgLimit             = "More than 150 Cadences cannot be activated"
	MsgCadenceIDsNotFound            = "Cadences ids not found"
	MsgRecordIDsNotFound             = "Record ids not found"
	MsgNotManualEnrolmentCadence     = "id given is not manual enrollment cadence"
	MsgCadenceNotActive              = "the given cadence is not active"
)

// Zoho's API limits (HTTP 429 TOO_MANY_REQUESTS). Zoho documents the code but no message; these
// are zcrm's, saying which limit was reached and what brings the next call through.
const (
	MsgConcurrencyLimitExceeded = "concurrency limit exceeded: too many API calls of this app in this organization are in progress; retry when one has ended"
	MsgCreditLimitExceeded      = "API credit limit exceeded: this organization has used its API credits for the last 24 hours"
)

// Get Deleted Records and Convert Lead (crm-oas v8.0 getDeletedRecords and convertLead examples).
const (
	MsgCheckInputValues   = "Please check whether the input values are correct"
	MsgRecordConverted    = "The record has been converted successfully"
	MsgIDAlreadyConverted = "id already converted"
)
