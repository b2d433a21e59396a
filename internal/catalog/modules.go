package catalog

// system fields every record module has.
func withSystem(fields ...Field) []Field {
	head := []Field{{APIName: "Owner", Label: "Owner", DataType: "ownerlookup", Lookup: "users"}}
	tail := []Field{
		{APIName: "Created_By", Label: "Created By", DataType: "ownerlookup", Lookup: "users", ReadOnly: true},
		{APIName: "Modified_By", Label: "Modified By", DataType: "ownerlookup", Lookup: "users", ReadOnly: true},
		{APIName: "Created_Time", Label: "Created Time", DataType: "datetime", ReadOnly: true},
		{APIName: "Modified_Time", Label: "Modified Time", DataType: "datetime", ReadOnly: true},
	}
	out := append(head, fields...)
	return append(out, tail...)
}

func text(api, label string, n int) Field {
	return Field{APIName: api, Label: label, DataType: "text", Length: n}
}
func must(f Field) Field { f.Mandatory = true; return f }

// unique marks a field whose values no two records share (Field.Unique).
func unique(f Field) Field { f.Unique = true; return f }
func lookup(api, label, target string) Field {
	return Field{APIName: api, Label: label, DataType: "lookup", Lookup: target}
}
func pick(api, label string, values ...string) Field {
	return Field{APIName: api, Label: label, DataType: "picklist", PickList: values}
}

var (
	email       = Field{APIName: "Email", Label: "Email", DataType: "email", Length: 100}
	phone       = Field{APIName: "Phone", Label: "Phone", DataType: "phone", Length: 30}
	mobile      = Field{APIName: "Mobile", Label: "Mobile", DataType: "phone", Length: 30}
	website     = Field{APIName: "Website", Label: "Website", DataType: "website", Length: 255}
	emailOptOut = Field{APIName: "Email_Opt_Out", Label: "Email Opt Out", DataType: "boolean"}
	description = Field{APIName: "Description", Label: "Description", DataType: "textarea", Length: 32000}
	attachments = RelatedList{APIName: "Attachments", Name: "Attachments", Module: "Attachments", Type: "default"}
	// A record's open and closed activities in one chronological list each (crm/timeline.go): the
	// "grouped" lists Zoho's related lists metadata shows with no module and no href.
	activities        = RelatedList{APIName: "Activities_Chronological_View", Name: "ChronologicalView", Type: "grouped", By: activityLinks, Timeline: TimelineOpen}
	activitiesHistory = RelatedList{APIName: "Activities_Chronological_View_History", Name: "ChronologicalView History", Type: "grouped", By: activityLinks, Timeline: TimelineClosed}
	// A record's notes: the notes whose Parent_Id names it.
	notesList = RelatedList{APIName: "Notes", Name: "Notes", Module: "Notes", Type: "default", By: []string{"Parent_Id"}}
)

// activityLists are the lists of a record's tasks, meetings and calls: the activities whose What_Id
// or Who_Id names it. Zoho's related lists metadata (v7 "Related Lists Metadata", Leads) shows them
// as "Calls", "Events" and "Tasks" with the labels "Open Calls", "Open Meetings" and "Open Tasks";
// zcrm lists every linked activity, open or closed, in them; the chronological lists (activities,
// activitiesHistory) split them into open and closed.
var activityLists = []RelatedList{
	{APIName: "Calls", Name: "Calls", Label: "Open Calls", Module: "Calls", Type: "default", By: activityLinks},
	{APIName: "Events", Name: "Events", Label: "Open Meetings", Module: "Events", Type: "default", By: activityLinks},
	{APIName: "Tasks", Name: "Tasks", Label: "Open Tasks", Module: "Tasks", Type: "default", By: activityLinks},
}

// activityLinks are the fields of an activity that link it to other records.
var activityLinks = []string{"What_Id", "Who_Id"}

// WhatModules are the modules an activity's What_Id ("Related To") may name, with $se_module
// saying which; Who_Id ("Contact Name") names a contact. As Zoho's activities link them: a lead
// through What_Id and "$se_module":"Leads", never Who_Id.
var WhatModules = []string{"Leads", "Accounts", "Deals", "Campaigns", "Cases", "Solutions", "Products", "Vendors"}

// whatID is an activity's What_Id field.
var whatID = Field{APIName: "What_Id", Label: "Related To", DataType: "lookup", Modules: WhatModules}

// byLookup is the read-only list of a module's records whose lookup field names the parent.
func byLookup(api, module, field string) RelatedList {
	return RelatedList{APIName: api, Name: api, Module: module, Type: "default", By: []string{field}}
}

func rel(api, module, relation string) RelatedList {
	return RelatedList{APIName: api, Name: api, Module: module, Relation: relation, Type: "default"}
}

func cadenceList(module string) RelatedList {
	return RelatedList{APIName: CadenceListName(module), Name: "Cadences", Type: "default"}
}

var relations = []Relation{
	{Kind: "Campaigns:Leads", A: "Campaigns", B: "Leads", Fields: []RelationField{{APIName: "Member_Status", DataType: "picklist", PickList: MemberStatuses}}},
	{Kind: "Campaigns:Contacts", A: "Campaigns", B: "Contacts", Fields: []RelationField{{APIName: "Member_Status", DataType: "picklist", PickList: MemberStatuses}}},
	{Kind: "Products:Leads", A: "Products", B: "Leads"},
	{Kind: "Products:Accounts", A: "Products", B: "Accounts"},
	{Kind: "Products:Contacts", A: "Products", B: "Contacts"},
	{Kind: "Products:Deals", A: "Products", B: "Deals"},
	{Kind: "Products:Price_Books", A: "Products", B: "Price_Books", Fields: []RelationField{{APIName: "list_price", Mandatory: true, DataType: "double"}}},
	{Kind: "Appointments__s:Services__s", A: "Appointments__s", B: "Services__s"},
}

// MemberStatuses are the campaign member statuses Zoho offers; Active and Planning are the values
// Zoho's own Update Related Records samples send for a campaign's Leads and Contacts.
var MemberStatuses = []string{"Planned", "Planning", "Active", "Invited", "Sent", "Received", "Opened", "Responded", "Bounced", "Opted Out"}

var stages = []string{"Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"}

var modules = []Module{
	{
		APIName: "Leads", Singular: "Lead", Plural: "Leads", Legacy: "Leads", APISupported: true, Cadences: true,
		Fields: withSystem(text("First_Name", "First Name", 40), must(text("Last_Name", "Last Name", 80)), text("Company", "Company", 200),
			text("Designation", "Title", 100), unique(email), phone, mobile, website,
			pick("Lead_Status", "Lead Status", "Not Contacted", "Attempted to Contact", "Contacted", "Qualified"),
			pick("Lead_Source", "Lead Source", "Advertisement", "Cold Call", "Web Download", "Partner"),
			pick("Industry", "Industry", "Technology", "Finance", "Manufacturing", "Retail"),
			Field{APIName: "Annual_Revenue", Label: "Annual Revenue", DataType: "currency"},
			Field{APIName: "No_of_Employees", Label: "No. of Employees", DataType: "integer"},
			pick("Rating", "Rating", "Acquired", "Active", "Market Failed", "Project Cancelled", "Shut Down"),
			emailOptOut, text("Street", "Street", 250), text("City", "City", 100), text("State", "State", 100),
			text("Zip_Code", "Zip Code", 30), text("Country", "Country", 100), description),
		RelatedLists: []RelatedList{notesList, attachments, rel("Products", "Products", "Products:Leads"), rel("Campaigns", "Campaigns", "Campaigns:Leads"), activities, activitiesHistory, activityLists[0], activityLists[1], activityLists[2], cadenceList("Leads")},
	},
	{
		APIName: "Contacts", Singular: "Contact", Plural: "Contacts", Legacy: "Contacts", APISupported: true, Cadences: true,
		Fields: withSystem(text("First_Name", "First Name", 40), must(text("Last_Name", "Last Name", 80)), unique(email), phone,
			mobile, text("Department", "Department", 30), text("Title", "Title", 100), lookup("Account_Name", "Account Name", "Accounts"),
			lookup("Vendor_Name", "Vendor Name", "Vendors"), lookup("Reports_To", "Reports To", "Contacts"),
			Field{APIName: "Date_of_Birth", Label: "Date of Birth", DataType: "date"},
			pick("Lead_Source", "Lead Source", "Advertisement", "Cold Call", "Web Download", "Partner"), emailOptOut,
			text("Mailing_Street", "Mailing Street", 250), text("Mailing_City", "Mailing City", 100), text("Mailing_State", "Mailing State", 100),
			text("Mailing_Zip", "Mailing Zip", 30), text("Mailing_Country", "Mailing Country", 100), description),
		RelatedLists: []RelatedList{notesList, attachments, rel("Deals", "Deals", ""), rel("Products", "Products", "Products:Contacts"), rel("Campaigns", "Campaigns", "Campaigns:Contacts"), activities, activitiesHistory, activityLists[0], activityLists[1], activityLists[2],
			byLookup("Cases", "Cases", "Related_To"), cadenceList("Contacts")},
	},
	{
		APIName: "Accounts", Singular: "Account", Plural: "Accounts", Legacy: "Accounts", APISupported: true,
		Fields: withSystem(unique(must(text("Account_Name", "Account Name", 200))), phone, website,
			lookup("Parent_Account", "Parent Account", "Accounts"), Field{APIName: "Account_Number", Label: "Account Number", DataType: "bigint"},
			pick("Account_Type", "Account Type", "Analyst", "Competitor", "Customer", "Distributor", "Integrator", "Investor", "Partner", "Press", "Prospect", "Reseller", "Supplier", "Vendor"),
			pick("Industry", "Industry", "Technology", "Finance", "Manufacturing", "Retail"),
			Field{APIName: "Annual_Revenue", Label: "Annual Revenue", DataType: "currency"},
			Field{APIName: "Employees", Label: "Employees", DataType: "integer"},
			text("Billing_Street", "Billing Street", 250), text("Billing_City", "Billing City", 100), text("Billing_State", "Billing State", 100),
			text("Billing_Code", "Billing Code", 30), text("Billing_Country", "Billing Country", 100), description),
		RelatedLists: []RelatedList{notesList, attachments, rel("Contacts", "Contacts", ""), rel("Deals", "Deals", ""), rel("Products", "Products", "Products:Accounts"), activities, activitiesHistory, activityLists[0], activityLists[1], activityLists[2],
			byLookup("Cases", "Cases", "Account_Name")},
	},
	{
		APIName: "Deals", Singular: "Deal", Plural: "Deals", Legacy: "Potentials", APISupported: true, Cadences: true,
		Fields: withSystem(must(text("Deal_Name", "Deal Name", 120)), must(pick("Stage", "Stage", stages...)),
			Field{APIName: "Amount", Label: "Amount", DataType: "currency"}, Field{APIName: "Closing_Date", Label: "Closing Date", DataType: "date"},
			lookup("Account_Name", "Account Name", "Accounts"), lookup("Contact_Name", "Contact Name", "Contacts"),
			Field{APIName: "Probability", Label: "Probability (%)", DataType: "percent"},
			pick("Type", "Type", "Existing Business", "New Business"), text("Next_Step", "Next Step", 100),
			pick("Lead_Source", "Lead Source", "Advertisement", "Cold Call", "Web Download", "Partner"),
			lookup("Campaign_Source", "Campaign Source", "Campaigns"), description),
		RelatedLists: []RelatedList{notesList, attachments, rel("Products", "Products", "Products:Deals"), {APIName: "Contact_Roles", Name: "Contact Roles", Module: "Contacts", Type: "default"}, activities, activitiesHistory, activityLists[0], activityLists[1], activityLists[2], cadenceList("Deals")},
	},
	{
		APIName: "Campaigns", Singular: "Campaign", Plural: "Campaigns", Legacy: "Campaigns", APISupported: true,
		Fields: withSystem(unique(must(text("Campaign_Name", "Campaign Name", 120))), pick("Type", "Type", "Conference", "Webinar", "Trade Show", "Email"),
			pick("Status", "Status", "Planning", "Active", "Inactive", "Complete"), Field{APIName: "Start_Date", Label: "Start Date", DataType: "date"},
			Field{APIName: "End_Date", Label: "End Date", DataType: "date"}, Field{APIName: "Expected_Revenue", Label: "Expected Revenue", DataType: "currency"},
			Field{APIName: "Budgeted_Cost", Label: "Budgeted Cost", DataType: "currency"}, Field{APIName: "Actual_Cost", Label: "Actual Cost", DataType: "currency"},
			Field{APIName: "Num_sent", Label: "Num sent", DataType: "bigint"}, description),
		RelatedLists: []RelatedList{notesList, attachments, rel("Leads", "Leads", "Campaigns:Leads"), rel("Contacts", "Contacts", "Campaigns:Contacts"), rel("Deals", "Deals", ""), activities, activitiesHistory, activityLists[0], activityLists[1], activityLists[2]},
	},
	{
		APIName: "Products", Singular: "Product", Plural: "Products", Legacy: "Products", APISupported: true,
		Fields: withSystem(unique(must(text("Product_Name", "Product Name", 120))), text("Product_Code", "Product Code", 40),
			Field{APIName: "Product_Active", Label: "Product Active", DataType: "boolean"},
			pick("Product_Category", "Product Category", "Hardware", "Software", "CRM Applications"),
			lookup("Vendor_Name", "Vendor Name", "Vendors"), text("Manufacturer", "Manufacturer", 100),
			Field{APIName: "Unit_Price", Label: "Unit Price", DataType: "currency"},
			Field{APIName: "Commission_Rate", Label: "Commission Rate", DataType: "currency"},
			Field{APIName: "Qty_in_Stock", Label: "Qty in Stock", DataType: "double"}, description),
		RelatedLists: []RelatedList{notesList, attachments, rel("Leads", "Leads", "Products:Leads"), rel("Accounts", "Accounts", "Products:Accounts"),
			rel("Contacts", "Contacts", "Products:Contacts"), rel("Deals", "Deals", "Products:Deals"), rel("Price_Books", "Price_Books", "Products:Price_Books"), activities, activitiesHistory, activityLists[0], activityLists[1], activityLists[2],
			byLookup("Cases", "Cases", "Product_Name"), byLookup("Solutions", "Solutions", "Product_Name")},
	},
	{
		APIName: "Price_Books", Singular: "Price Book", Plural: "Price Books", Legacy: "PriceBooks", APISupported: true,
		Fields: withSystem(unique(must(text("Price_Book_Name", "Price Book Name", 120))), Field{APIName: "Active", Label: "Active", DataType: "boolean"},
			pick("Pricing_Model", "Pricing Model", "None", "Flat", "Differential"), description),
		RelatedLists: []RelatedList{notesList, attachments, rel("Products", "Products", "Products:Price_Books")},
	},
	{
		APIName: "Vendors", Singular: "Vendor", Plural: "Vendors", Legacy: "Vendors", APISupported: true, Cadences: true,
		Fields: withSystem(unique(must(text("Vendor_Name", "Vendor Name", 120))), email, phone, website, text("Category", "Category", 100),
			text("Street", "Street", 250), text("City", "City", 100), text("State", "State", 100), text("Zip_Code", "Zip Code", 30),
			text("Country", "Country", 100), description),
		RelatedLists: []RelatedList{notesList, attachments, rel("Products", "Products", ""), activityLists[0], activityLists[1], activityLists[2], cadenceList("Vendors")},
	},
	{
		APIName: "Tasks", Singular: "Task", Plural: "Tasks", Legacy: "Tasks", APISupported: true,
		Fields: withSystem(must(text("Subject", "Subject", 300)), Field{APIName: "Due_Date", Label: "Due Date", DataType: "date"},
			pick("Status", "Status", "Not Started", "Deferred", "In Progress", "Completed", "Waiting for input"),
			pick("Priority", "Priority", "High", "Highest", "Low", "Lowest", "Normal"), lookup("Who_Id", "Contact Name", "Contacts"), whatID,
			Field{APIName: "Send_Notification_Email", Label: "Send Notification Email", DataType: "boolean"}, description),
		RelatedLists: []RelatedList{notesList, attachments},
	},
	{
		APIName: "Calls", Singular: "Call", Plural: "Calls", Legacy: "Calls", APISupported: true,
		Fields: withSystem(must(text("Subject", "Subject", 300)), must(pick("Call_Type", "Call Type", "Outbound", "Inbound", "Missed")),
			must(Field{APIName: "Call_Start_Time", Label: "Call Start Time", DataType: "datetime"}), text("Call_Duration", "Call Duration", 10),
			lookup("Who_Id", "Contact Name", "Contacts"), whatID, pick("Call_Purpose", "Call Purpose", "Prospecting", "Administrative", "Negotiation", "Demo", "Project", "Desk"),
			text("Call_Result", "Call Result", 100), description),
		RelatedLists: []RelatedList{notesList, attachments},
	},
	{
		APIName: "Events", Singular: "Meeting", Plural: "Meetings", Legacy: "Events", APISupported: true,
		Fields: withSystem(must(text("Event_Title", "Title", 255)), must(Field{APIName: "Start_DateTime", Label: "From", DataType: "datetime"}),
			must(Field{APIName: "End_DateTime", Label: "To", DataType: "datetime"}), text("Venue", "Venue", 255),
			Field{APIName: "All_day", Label: "All day", DataType: "boolean"}, lookup("Who_Id", "Contact Name", "Contacts"), whatID, description),
		RelatedLists: []RelatedList{notesList, attachments},
	},
	{
		APIName: "Cases", Singular: "Case", Plural: "Cases", Legacy: "Cases", APISupported: true,
		Fields: withSystem(must(text("Subject", "Subject", 255)), must(pick("Status", "Status", "New", "On Hold", "Escalated", "Closed")),
			must(pick("Case_Origin", "Case Origin", "Email", "Phone", "Web")), pick("Priority", "Priority", "High", "Medium", "Low"),
			pick("Type", "Type", "Question", "Problem", "Feature Request"),
			pick("Case_Reason", "Case Reason", "User did not attend any training", "Complex functionality", "Existing problem", "Instructions not clear", "New problem"),
			lookup("Related_To", "Contact Name", "Contacts"), lookup("Account_Name", "Account Name", "Accounts"),
			lookup("Product_Name", "Product Name", "Products"), lookup("Deal_Name", "Deal Name", "Deals"), email, phone,
			text("Reported_By", "Reported By", 120), description,
			Field{APIName: "Solution", Label: "Solution", DataType: "textarea", Length: 32000},
			Field{APIName: "Internal_Comments", Label: "Internal Comments", DataType: "textarea", Length: 32000}),
		RelatedLists: []RelatedList{notesList, attachments, activities, activitiesHistory, activityLists[0], activityLists[1], activityLists[2]},
	},
	{
		APIName: "Solutions", Singular: "Solution", Plural: "Solutions", Legacy: "Solutions", APISupported: true,
		Fields: withSystem(must(text("Solution_Title", "Solution Title", 255)), pick("Status", "Status", "Draft", "Reviewed", "Published"),
			lookup("Product_Name", "Product Name", "Products"), Field{APIName: "Published", Label: "Published", DataType: "boolean"},
			Field{APIName: "Question", Label: "Question", DataType: "textarea", Length: 32000},
			Field{APIName: "Answer", Label: "Answer", DataType: "textarea", Length: 32000}),
		RelatedLists: []RelatedList{notesList, attachments, activities, activitiesHistory, activityLists[0], activityLists[1], activityLists[2]},
	},
	{
		APIName: "Notes", Singular: "Note", Plural: "Notes", Legacy: "Notes", APISupported: true,
		Fields: withSystem(text("Note_Title", "Note Title", 120), Field{APIName: "Note_Content", Label: "Note Content", DataType: "textarea", Length: 65535},
			Field{APIName: "Parent_Id", Label: "Parent ID", DataType: "lookup", Modules: []string{}}),
	},
	{
		APIName: "Appointments__s", Singular: "Appointment", Plural: "Appointments", Legacy: "Appointments", APISupported: true,
		Fields: withSystem(must(text("Appointment_Name", "Appointment Name", 255)), Field{APIName: "Appointment_Start_Time", Label: "Appointment Start Time", DataType: "datetime"},
			pick("Status", "Status", "Upcoming", "In Progress", "Completed", "Cancelled"), description),
		RelatedLists: []RelatedList{notesList, attachments, rel("Services__s", "Services__s", "Appointments__s:Services__s")},
	},
	{
		APIName: "Services__s", Singular: "Service", Plural: "Services", Legacy: "Services", APISupported: true,
		Fields: withSystem(must(text("Service_Name", "Service Name", 255)), Field{APIName: "Price", Label: "Price", DataType: "currency"},
			Field{APIName: "Duration", Label: "Duration", DataType: "integer"}, description),
		RelatedLists: []RelatedList{notesList, attachments, rel("Appointments__s", "Appointments__s", "Appointments__s:Services__s")},
	},
	// Modules that exist in Zoho CRM but that the REST API does not serve.
	{APIName: "Home", Singular: "Home", Plural: "Home", Legacy: "Home"},
	{APIName: "Feeds", Singular: "Feed", Plural: "Feeds", Legacy: "Feeds"},
	{APIName: "Reports", Singular: "Report", Plural: "Reports", Legacy: "Reports"},
	{APIName: "Dashboards", Singular: "Dashboard", Plural: "Dashboards", Legacy: "Dashboards"},
	{APIName: "Documents", Singular: "Document", Plural: "Documents", Legacy: "Documents"},
	{APIName: "Projects", Singular: "Project", Plural: "Projects", Legacy: "Projects"},
}

// MultiModule reports whether f is a lookup whose record may belong to one of several modules
// (Modules); an empty, non-nil Modules (a note's Parent_Id) allows every module with notes.
func (f Field) MultiModule() bool { return f.Modules != nil }
